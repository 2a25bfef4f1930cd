package io.fsctx.tools.report;

import com.google.common.html.HtmlEscapers;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Assembles the report's HTML from the page template ({@code report.html} beside this class) by
 * filling its {@code @@NAME@@} slots: the title, the chart library's style and script, the page's
 * own style and script ({@code report.css}, {@code report.js}), the library's licence and the
 * data ({@link ReportJson}). Inline scripts and styles are checked or escaped so that nothing in
 * them can end their element early.
 *
 * <p>Thread safety: confined to the writing thread.
 */
final class ReportPage {
  private static final String BASE = "io/fsctx/tools/report/";
  private static final Pattern SLOT = Pattern.compile("@@([A-Z_]+)@@");
  private static final Pattern SCRIPT_END = Pattern.compile("</(script)", Pattern.CASE_INSENSITIVE);

  private final HtmlReport report;
  private final ChartLibrary chart;

  ReportPage(HtmlReport report, ChartLibrary chart) {
    this.report = report;
    this.chart = chart;
  }

  void write(Writer out) throws IOException {
    ClassLoader loader = ReportPage.class.getClassLoader();
    String template = ChartLibrary.read(loader, BASE + "report.html");
    Matcher m = SLOT.matcher(template);
    int at = 0;
    while (m.find()) {
      out.write(template, at, m.start() - at);
      at = m.end();
      switch (m.group(1)) {
        case "TITLE" -> out.write(HtmlEscapers.htmlEscaper().escape(report.title));
        case "CHART_VERSION" -> out.write(HtmlEscapers.htmlEscaper().escape(chart.version()));
        case "CHART_CSS" -> out.write(style(chart.style()));
        case "CHART_LICENSE" -> out.write(comment(chart.license()));
        case "CHART_JS" -> out.write(script(chart.script()));
        case "REPORT_CSS" -> out.write(style(ChartLibrary.read(loader, BASE + "report.css")));
        case "REPORT_JS" -> out.write(script(ChartLibrary.read(loader, BASE + "report.js")));
        case "DATA" -> ReportJson.write(report, out);
        default -> throw new IllegalStateException("report.html has an unknown slot " + m.group());
      }
    }
    out.write(template, at, template.length() - at);
  }

  /**
   * A script as the content of a {@code <script>} element: {@code </script} and {@code <!--}
   * cannot appear in it, so they are written with an escaped slash or bang, which means the same
   * inside JavaScript strings and regular expressions (the only places they can be).
   */
  static String script(String js) {
    return SCRIPT_END.matcher(js).replaceAll("<\\\\/$1").replace("<!--", "<\\!--");
  }

  /** A style sheet as the content of a {@code <style>} element; one that could end it early is refused. */
  static String style(String css) {
    if (css.toLowerCase(Locale.ROOT).contains("</style")) {
      throw new IllegalStateException("a style sheet contains </style");
    }
    return css;
  }

  /** Text inside an HTML comment: {@code --} cannot appear there. */
  static String comment(String text) {
    return text.replace("--", "- -");
  }
}
