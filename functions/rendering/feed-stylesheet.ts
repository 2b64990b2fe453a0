/**
 * The XSLT 1.0 stylesheet RSS and Atom documents point at (`<?xml-stylesheet?>`), so that a person
 * who opens a feed in a browser sees the stories and how to subscribe instead of raw XML. Feed
 * readers ignore the processing instruction. One stylesheet, with templates for both formats.
 *
 * Everything from the feed is output as text (never `disable-output-escaping`), so markup in a
 * story cannot run in the page; links are taken only from fields the ingest API validated as
 * http(s) URLs.
 */
export const FEED_STYLESHEET_CONTENT_TYPE = 'text/xsl; charset=utf-8';

export const FEED_STYLESHEET = `<?xml version="1.0" encoding="utf-8"?>
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:media="http://search.yahoo.com/mrss/"
  exclude-result-prefixes="atom dc media">
  <xsl:output method="html" encoding="utf-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:template name="page">
    <xsl:param name="lang"/>
    <xsl:param name="title"/>
    <xsl:param name="description"/>
    <xsl:param name="self"/>
    <xsl:param name="home"/>
    <xsl:param name="format"/>
    <xsl:param name="items"/>
    <xsl:param name="navigation"/>
    <html lang="{$lang}">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="robots" content="noindex"/>
        <title><xsl:value-of select="$title"/> (<xsl:value-of select="$format"/> feed)</title>
        <style>
          :root { color-scheme: light dark; --accent: #8a1c1c; }
          body { font: 17px/1.5 Georgia, "Times New Roman", serif; margin: 0 auto; max-width: 46rem; padding: 1.5rem 1rem 4rem; }
          header { border-bottom: 3px double currentColor; margin-bottom: 1.5rem; }
          h1 { font-size: 2rem; line-height: 1.2; margin: 0 0 .25rem; }
          .about { background: rgba(138, 28, 28, .07); border-left: 4px solid var(--accent); padding: .75rem 1rem; margin: 1rem 0; font-family: system-ui, sans-serif; font-size: .95rem; }
          .about code { display: block; overflow-wrap: anywhere; margin: .4rem 0; padding: .3rem .5rem; background: rgba(127, 127, 127, .15); }
          article { border-bottom: 1px solid rgba(127, 127, 127, .35); padding: 1rem 0; }
          article h2 { font-size: 1.3rem; line-height: 1.3; margin: 0 0 .3rem; }
          a { color: var(--accent); }
          .meta { font-family: system-ui, sans-serif; font-size: .85rem; opacity: .8; }
          figure { margin: .6rem 0; }
          figure img { max-width: 100%; height: auto; }
          figcaption { font-family: system-ui, sans-serif; font-size: .8rem; opacity: .85; }
          nav { font-family: system-ui, sans-serif; margin-top: 1.5rem; display: flex; gap: 1.5rem; flex-wrap: wrap; }
        </style>
      </head>
      <body>
        <header>
          <h1><xsl:value-of select="$title"/></h1>
          <p><xsl:value-of select="$description"/></p>
        </header>
        <section class="about">
          <strong>This is a web feed</strong> (<xsl:value-of select="$format"/>).
          To follow these stories, copy this address into a feed reader:
          <code><xsl:value-of select="$self"/></code>
          Or read them on <a href="{$home}">the website</a>.
        </section>
        <main>
          <xsl:copy-of select="$items"/>
        </main>
        <xsl:copy-of select="$navigation"/>
      </body>
    </html>
  </xsl:template>

  <xsl:template name="navigation">
    <xsl:param name="older"/>
    <xsl:param name="newer"/>
    <xsl:param name="current"/>
    <xsl:if test="$older or $newer or $current">
      <nav>
        <xsl:if test="$newer"><a href="{$newer}">Newer stories</a></xsl:if>
        <xsl:if test="$current"><a href="{$current}">Latest stories</a></xsl:if>
        <xsl:if test="$older"><a href="{$older}">Older stories</a></xsl:if>
      </nav>
    </xsl:if>
  </xsl:template>

  <!-- RSS descriptions are HTML; ours are escaped plain text. This turns them back into text
       (the result is still output as text, so nothing in it can become markup). -->
  <xsl:template name="unescape">
    <xsl:param name="text"/>
    <xsl:choose>
      <xsl:when test="contains($text, '&amp;')">
        <xsl:value-of select="substring-before($text, '&amp;')"/>
        <xsl:variable name="rest" select="substring-after($text, '&amp;')"/>
        <xsl:variable name="entity" select="substring-before($rest, ';')"/>
        <xsl:choose>
          <xsl:when test="$entity = 'lt'">&lt;</xsl:when>
          <xsl:when test="$entity = 'gt'">&gt;</xsl:when>
          <xsl:when test="$entity = 'quot'">"</xsl:when>
          <xsl:when test="$entity = 'amp'">&amp;</xsl:when>
          <xsl:otherwise>&amp;</xsl:otherwise>
        </xsl:choose>
        <xsl:call-template name="unescape">
          <xsl:with-param name="text">
            <xsl:choose>
              <xsl:when test="$entity = 'lt' or $entity = 'gt' or $entity = 'quot' or $entity = 'amp'">
                <xsl:value-of select="substring-after($rest, ';')"/>
              </xsl:when>
              <xsl:otherwise><xsl:value-of select="$rest"/></xsl:otherwise>
            </xsl:choose>
          </xsl:with-param>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$text"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- An Atom text construct or Media RSS text of ours: plain text, or (when it holds < or &)
       the same text escaped as HTML. -->
  <xsl:template name="typed-text">
    <xsl:param name="node"/>
    <xsl:choose>
      <xsl:when test="$node/@type = 'html'">
        <xsl:call-template name="unescape"><xsl:with-param name="text" select="$node"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$node"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="figure">
    <xsl:param name="media"/>
    <xsl:if test="$media/@url">
      <figure>
        <img src="{$media/@url}" loading="lazy">
          <xsl:attribute name="alt"><xsl:call-template name="typed-text"><xsl:with-param name="node" select="$media/media:title"/></xsl:call-template></xsl:attribute>
        </img>
        <xsl:if test="$media/media:description or $media/media:credit">
          <figcaption>
            <xsl:call-template name="typed-text"><xsl:with-param name="node" select="$media/media:description"/></xsl:call-template>
            <xsl:if test="$media/media:description and $media/media:credit"> — </xsl:if>
            <xsl:value-of select="$media/media:credit"/>
          </figcaption>
        </xsl:if>
      </figure>
    </xsl:if>
  </xsl:template>

  <!-- RSS 2.0 -->
  <xsl:template match="/rss">
    <xsl:variable name="channel" select="channel"/>
    <xsl:call-template name="page">
      <xsl:with-param name="lang" select="$channel/language"/>
      <xsl:with-param name="title" select="$channel/title"/>
      <xsl:with-param name="description" select="$channel/description"/>
      <xsl:with-param name="self" select="$channel/atom:link[@rel='self']/@href"/>
      <xsl:with-param name="home" select="$channel/link"/>
      <xsl:with-param name="format" select="'RSS'"/>
      <xsl:with-param name="items">
        <xsl:for-each select="$channel/item">
          <article dir="auto">
            <h2><a href="{link}"><xsl:value-of select="title"/></a></h2>
            <p class="meta">
              <xsl:value-of select="pubDate"/>
              <xsl:for-each select="dc:creator | author">
                <xsl:choose>
                  <xsl:when test="position() = 1"> · </xsl:when>
                  <xsl:otherwise>, </xsl:otherwise>
                </xsl:choose>
                <xsl:value-of select="."/>
              </xsl:for-each>
              <xsl:if test="category"> · </xsl:if>
              <xsl:for-each select="category">
                <xsl:if test="position() != 1">, </xsl:if>
                <xsl:value-of select="."/>
              </xsl:for-each>
            </p>
            <xsl:call-template name="figure">
              <xsl:with-param name="media" select="media:content"/>
            </xsl:call-template>
            <p>
              <xsl:call-template name="unescape">
                <xsl:with-param name="text" select="description"/>
              </xsl:call-template>
            </p>
          </article>
        </xsl:for-each>
      </xsl:with-param>
      <xsl:with-param name="navigation">
        <xsl:call-template name="navigation">
          <xsl:with-param name="older" select="$channel/atom:link[@rel='prev-archive']/@href"/>
          <xsl:with-param name="newer" select="$channel/atom:link[@rel='next-archive']/@href"/>
          <xsl:with-param name="current" select="$channel/atom:link[@rel='current']/@href"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- Atom 1.0 -->
  <xsl:template match="/atom:feed">
    <xsl:call-template name="page">
      <xsl:with-param name="lang" select="@xml:lang"/>
      <xsl:with-param name="title">
        <xsl:call-template name="typed-text"><xsl:with-param name="node" select="atom:title"/></xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="description">
        <xsl:call-template name="typed-text"><xsl:with-param name="node" select="atom:subtitle"/></xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="self" select="atom:link[@rel='self']/@href"/>
      <xsl:with-param name="home" select="atom:link[@rel='alternate']/@href"/>
      <xsl:with-param name="format" select="'Atom'"/>
      <xsl:with-param name="items">
        <xsl:for-each select="atom:entry">
          <article dir="auto">
            <xsl:if test="@xml:lang"><xsl:attribute name="lang"><xsl:value-of select="@xml:lang"/></xsl:attribute></xsl:if>
            <h2><a href="{atom:link[@rel='alternate']/@href}"><xsl:call-template name="typed-text"><xsl:with-param name="node" select="atom:title"/></xsl:call-template></a></h2>
            <p class="meta">
              <time datetime="{atom:published}">
                <xsl:value-of select="translate(substring(atom:published, 1, 16), 'T', ' ')"/>
              </time>
              <xsl:if test="atom:updated != atom:published">
                (updated <xsl:value-of select="translate(substring(atom:updated, 1, 16), 'T', ' ')"/>)
              </xsl:if>
              <xsl:for-each select="atom:author">
                <xsl:choose>
                  <xsl:when test="position() = 1"> · </xsl:when>
                  <xsl:otherwise>, </xsl:otherwise>
                </xsl:choose>
                <xsl:value-of select="atom:name"/>
              </xsl:for-each>
              <xsl:if test="atom:category"> · </xsl:if>
              <xsl:for-each select="atom:category">
                <xsl:if test="position() != 1">, </xsl:if>
                <xsl:value-of select="@label"/>
              </xsl:for-each>
            </p>
            <xsl:call-template name="figure">
              <xsl:with-param name="media" select="media:content"/>
            </xsl:call-template>
            <p><xsl:call-template name="typed-text"><xsl:with-param name="node" select="atom:summary"/></xsl:call-template></p>
          </article>
        </xsl:for-each>
      </xsl:with-param>
      <xsl:with-param name="navigation">
        <xsl:call-template name="navigation">
          <xsl:with-param name="older" select="atom:link[@rel='prev-archive']/@href"/>
          <xsl:with-param name="newer" select="atom:link[@rel='next-archive']/@href"/>
          <xsl:with-param name="current" select="atom:link[@rel='current']/@href"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>
</xsl:stylesheet>
`;
