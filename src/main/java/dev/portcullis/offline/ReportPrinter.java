package dev.portcullis.offline;

import dev.portcullis.api.v1alpha1.AttachedInstance;
import dev.portcullis.cloud.ObservedRule;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Problem;
import dev.portcullis.engine.eval.Verdict;
import dev.portcullis.offline.OfflineReport.Answer;
import dev.portcullis.offline.OfflineReport.AttachmentOutcome;
import dev.portcullis.offline.OfflineReport.GroupOutcome;
import java.io.PrintWriter;
import java.nio.file.Path;

/** Prints an {@link OfflineReport} for a person to read. */
final class ReportPrinter {
  private final PrintWriter out;

  ReportPrinter(PrintWriter out) {
    this.out = out;
  }

  void print(Path world, OfflineReport r) {
    out.println("World: " + world);
    out.println();
    out.println("Security groups");
    if (r.groups().isEmpty()) {
      out.println("  (none)");
    }
    for (GroupOutcome g : r.groups()) {
      if (g.group() == null) {
        out.println("  " + g.ref() + "  REFUSED  " + g.refusal());
        continue;
      }
      long in =
          g.group().rules().stream().filter(x -> x.rule().direction() == Direction.INGRESS).count();
      long eg = g.group().rules().size() - in;
      out.printf(
          "  %s  %s  %s/%s  \"%s\"  %s  ingress %d, egress %d%n",
          g.ref(),
          g.group().groupId(),
          g.region(),
          g.group().vpcId(),
          g.group().groupName(),
          g.created() ? "created" : "adopted",
          in,
          eg);
      for (ObservedRule rule : g.group().rules()) {
        out.println("      " + rule.ruleId() + "  " + rule.rule().display());
      }
      for (Problem w : g.warnings()) {
        out.println("      warning: " + w);
      }
      if (g.refusal() != null) {
        out.println("      REFUSED  " + g.refusal());
      }
    }
    out.println();
    out.println("Attachments");
    if (r.attachments().isEmpty()) {
      out.println("  (none)");
    }
    for (AttachmentOutcome a : r.attachments()) {
      out.println("  " + a.ref());
      for (AttachedInstance x : a.attached()) {
        out.println(
            "      "
                + x.getInstanceId()
                + " ("
                + x.getInterfaceId()
                + "): "
                + String.join(", ", x.getGroupIds()));
      }
      for (String refusal : a.refusals()) {
        out.println("      REFUSED  " + refusal);
      }
    }
    out.println();
    out.println("Reachability");
    if (r.answers().isEmpty()) {
      out.println("  (no questions)");
    }
    for (Answer a : r.answers()) {
      String verdict = verdictWord(a.decision().verdict());
      String expectation =
          a.expect() == null
              ? ""
              : "  expected "
                  + (a.expect().name().equals("REACHABLE") ? "Reachable" : "Blocked")
                  + (a.met() ? ": ok" : ": NOT MET");
      out.println("  " + a.ref() + "  " + a.question() + "  " + verdict + expectation);
      out.println("      " + a.decision().explanation());
    }
    out.println();
    long withExpect = r.answers().stream().filter(a -> a.expect() != null).count();
    out.printf(
        "%d groups, %d attachments, %d questions; %d of %d expectations met%s%n",
        r.groups().size(),
        r.attachments().size(),
        r.answers().size(),
        r.answers().stream().filter(a -> a.expect() != null && a.met()).count(),
        withExpect,
        r.anyRefused() ? "; some changes were refused (see REFUSED above)" : "");
  }

  static String verdictWord(Verdict v) {
    return switch (v) {
      case REACHABLE -> "Reachable";
      case TIMED_OUT -> "TimedOut";
      case CONNECTION_REFUSED -> "ConnectionRefused";
    };
  }
}
