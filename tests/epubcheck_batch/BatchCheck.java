/*
 * Validate many EPUBs in one JVM with EPUBCheck's Java API (EPUBCheck start-up costs seconds per run).
 *
 * Run with Java 11+'s source launcher, the EPUBCheck jar on the class path (its manifest brings lib/):
 *
 *     java -cp epubcheck.jar tests/epubcheck_batch/BatchCheck.java book1.epub book2.epub ...
 *
 * Output, UTF-8, one tab-separated line per message of severity WARNING, ERROR or FATAL
 * (INFO and USAGE are not reported), then one summary line per book and a final total:
 *
 *     MSG <tab> file <tab> severity <tab> id <tab> location <tab> message
 *     BOOK <tab> file <tab> fatals <tab> errors <tab> warnings
 *     DONE <tab> books <tab> books with messages <tab> seconds
 *
 * location is "path[:line[:column]]" inside the book, as EPUBCheck's own reports give it. Tabs and
 * line breaks inside messages are turned into spaces so that every record stays on one line.
 * A book that makes EPUBCheck itself throw is reported as a FATAL message with id "BATCH-CRASH".
 * Exit status: 0 when no book has a message, 1 otherwise, 2 on a usage error.
 */

import com.adobe.epubcheck.api.EPUBLocation;
import com.adobe.epubcheck.api.EpubCheck;
import com.adobe.epubcheck.api.MasterReport;
import com.adobe.epubcheck.messages.Message;
import com.adobe.epubcheck.messages.Severity;
import com.adobe.epubcheck.util.FeatureEnum;
import com.adobe.epubcheck.util.ReportingLevel;

import java.io.File;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

public class BatchCheck {

    /** A report that writes each warning, error and fatal error of one book as a MSG line. */
    static final class LineReport extends MasterReport {
        private final PrintWriter out;
        private final String file;

        LineReport(PrintWriter out, String file) {
            this.out = out;
            this.file = file;
            setReportingLevel(ReportingLevel.Warning);
            setLocale(Locale.ENGLISH);
        }

        @Override
        public void message(Message message, EPUBLocation location, Object... args) {
            Severity severity = message.getSeverity();
            if (severity != Severity.WARNING && severity != Severity.ERROR && severity != Severity.FATAL) {
                return;
            }
            record(severity.toString(), message.getID().toString(), where(location), message.getMessage(args));
        }

        void record(String severity, String id, String where, String text) {
            out.println(String.join("\t", "MSG", file, severity, id, oneLine(where), oneLine(text)));
        }

        @Override
        public void info(String resource, FeatureEnum feature, String value) {
        }

        @Override
        public int generate() {
            return 0;
        }

        @Override
        public void initialize() {
        }
    }

    /** "path:line:column" with unknown parts (-1) left out, as EPUBCheck's reports write it. */
    static String where(EPUBLocation location) {
        if (location == null) {
            return "";
        }
        StringBuilder text = new StringBuilder(location.getPath() == null ? "" : location.getPath());
        if (location.getLine() >= 0) {
            text.append(':').append(location.getLine());
            if (location.getColumn() >= 0) {
                text.append(':').append(location.getColumn());
            }
        }
        return text.toString();
    }

    static String oneLine(String text) {
        return text == null ? "" : text.replace('\t', ' ').replace('\r', ' ').replace('\n', ' ');
    }

    /** Check one book; returns true when it produced no message at all. */
    static boolean checkOne(PrintWriter out, String file) {
        LineReport report = new LineReport(out, file);
        report.setEpubFileName(file);
        try {
            new EpubCheck(new File(file), report).doValidate();
        } catch (RuntimeException | Error crash) {
            report.record("FATAL", "BATCH-CRASH", "", crash.toString());
            out.println(String.join("\t", "BOOK", file, "1", "0", "0"));
            return false;
        }
        out.println(String.join("\t", "BOOK", file, Integer.toString(report.getFatalErrorCount()),
                Integer.toString(report.getErrorCount()), Integer.toString(report.getWarningCount())));
        return report.getFatalErrorCount() + report.getErrorCount() + report.getWarningCount() == 0;
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: java -cp epubcheck.jar BatchCheck.java BOOK.epub...");
            System.exit(2);
        }
        Locale.setDefault(Locale.ENGLISH);
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        long start = System.nanoTime();
        int failing = 0;
        for (String file : args) {
            if (!checkOne(out, file)) {
                failing++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out.println(String.join("\t", "DONE", Integer.toString(args.length), Integer.toString(failing),
                String.format(Locale.ROOT, "%.1f", seconds)));
        out.flush();
        System.exit(failing == 0 ? 0 : 1);
    }
}
