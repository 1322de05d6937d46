package dev.portcullis.offline;

import dev.portcullis.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the jar's command line in-process and keeps what it printed. */
record OfflineRun(int exitCode, String out, String err) {
  static OfflineRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new Main());
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    int code = cmd.execute(args);
    return new OfflineRun(code, out.toString(), err.toString());
  }

  /** The line of the report that answers the named question. */
  String answer(String name) {
    return out.lines()
        .filter(l -> l.contains("/" + name + "  "))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no answer for " + name + " in:\n" + out + err));
  }

  /**
   * The verdict of the named answer ({@code Reachable}, {@code TimedOut}, {@code
   * ConnectionRefused}), without the expectation that may follow it: a line that says {@code
   * TimedOut expected Reachable: NOT MET} still contains "Reachable".
   */
  String verdict(String name) {
    String line = answer(name);
    int expected = line.indexOf("  expected ");
    String head = expected < 0 ? line : line.substring(0, expected);
    return head.substring(head.lastIndexOf(' ') + 1);
  }

  /** The explanation printed under the named answer. */
  String explanation(String name) {
    String[] lines = out.split("\n");
    for (int i = 0; i < lines.length - 1; i++) {
      if (lines[i].contains("/" + name + "  ")) {
        return lines[i + 1].trim();
      }
    }
    throw new AssertionError("no answer for " + name + " in:\n" + out + err);
  }
}
