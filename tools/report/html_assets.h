/* html_assets.h: the parts of the HTML report's page, as C strings generated at build time
 * from tools/report/html/ by tools/report/html/embed.sh (rule in tools/report/local.mk), so
 * that the script and the stylesheet stay real files one can edit and lint. */
#ifndef GM_REPORT_HTML_ASSETS_H
#define GM_REPORT_HTML_ASSETS_H
extern const char gm_html_page_html[]; /* the template, with the marker lines html.c fills */
extern const char gm_html_page_css[];  /* its stylesheet */
extern const char gm_html_page_js[];   /* the script that draws the page */
#endif
