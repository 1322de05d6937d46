package dev.portcullis.offline;

import dev.portcullis.api.v1alpha1.AttachedInstance;
import dev.portcullis.api.v1alpha1.Expectation;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.engine.Problem;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.engine.eval.Flow;
import dev.portcullis.engine.eval.Verdict;
import java.util.List;

/** What an offline run did: groups, attachments and the answers to reachability questions. */
public record OfflineReport(
    List<GroupOutcome> groups, List<AttachmentOutcome> attachments, List<Answer> answers) {

  public OfflineReport {
    groups = List.copyOf(groups);
    attachments = List.copyOf(attachments);
    answers = List.copyOf(answers);
  }

  /**
   * A SecurityGroup: the EC2 group it became (null if EC2 refused it), whether it was created or
   * adopted, warnings such as masked host bits, and EC2's refusal (null when none).
   */
  public record GroupOutcome(
      String ref,
      String region,
      SecurityGroupInfo group,
      boolean created,
      List<Problem> warnings,
      String refusal) {
    public GroupOutcome {
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * A SecurityGroupAttachment: the interfaces that carry its groups now, and why others were
   * refused.
   */
  public record AttachmentOutcome(
      String ref, List<AttachedInstance> attached, List<String> refusals) {
    public AttachmentOutcome {
      attached = List.copyOf(attached);
      refusals = List.copyOf(refusals);
    }
  }

  /**
   * A reachability question (a ReachabilityCheck or a question from the command line) and its
   * answer; {@code expect} is null when the question states no expectation.
   */
  public record Answer(
      String ref, String question, Flow flow, Decision decision, Expectation expect) {
    /** Whether the expectation holds: Reachable needs a connection; Blocked a time-out. */
    public boolean met() {
      if (expect == null) {
        return true;
      }
      return expect == Expectation.REACHABLE
          ? decision.verdict() == Verdict.REACHABLE
          : decision.verdict() == Verdict.TIMED_OUT;
    }
  }

  /** Whether EC2 refused any group or attachment. */
  public boolean anyRefused() {
    return groups.stream().anyMatch(g -> g.refusal() != null)
        || attachments.stream().anyMatch(a -> !a.refusals().isEmpty());
  }

  /** Whether every stated expectation holds. */
  public boolean expectationsMet() {
    return answers.stream().allMatch(Answer::met);
  }
}
