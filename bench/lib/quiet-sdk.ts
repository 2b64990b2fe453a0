// Imported first by every scenario: the AWS SDK warns once per process that Node 20 support ends;
// the local stack runs on Node 20 on purpose (see README), so the warning is noise in a benchmark.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
export {};
