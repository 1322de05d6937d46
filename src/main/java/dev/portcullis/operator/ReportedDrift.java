package dev.portcullis.operator;

import dev.portcullis.api.v1alpha1.ConditionTypes;
import dev.portcullis.api.v1alpha1.DriftSummary;
import dev.portcullis.api.v1alpha1.SecurityGroupStatus;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The drift this operator last reported for each SecurityGroup (by uid), so that one out-of-band
 * change is counted and announced once, whichever reconciliation or scan notices it.
 *
 * <p>The status alone cannot say it: JOSDK keeps no copy of a status patch's answer, so until the
 * watch event of the write arrives its cache hands out the status from before. A reconciliation
 * that runs in that window (one for an event that came while the writing one ran, such as the drift
 * scan's wake) would read the drift as not reported yet and count it again. What this process
 * reported is never older than what the cache holds; the status is what a process that has not
 * reported anything yet goes by (after a restart, the drift its status reports is old news).
 */
final class ReportedDrift {
  /** Drift as reported: rules that differ, or the id of a group deleted outside Portcullis. */
  record Drift(DriftSummary rules, String deletedGroup) {
    static final Drift NONE = new Drift(null, null);

    static Drift of(DriftSummary rules) {
      return rules == null ? NONE : new Drift(rules, null);
    }

    static Drift deleted(String groupId) {
      return new Drift(null, groupId);
    }

    /** The drift a status reports. */
    static Drift of(SecurityGroupStatus status) {
      if (status == null) {
        return NONE;
      }
      if (Conditions.hasReason(status.getConditions(), ConditionTypes.DRIFTED, "GroupDeleted")) {
        return deleted(status.getGroupId());
      }
      return of(status.getDrift());
    }
  }

  private final Map<String, Drift> byUid = new ConcurrentHashMap<>();

  /** The drift last reported for {@code uid}: by this process, else as {@code status} says. */
  Drift last(String uid, SecurityGroupStatus status) {
    Drift mine = byUid.get(uid);
    return mine != null ? mine : Drift.of(status);
  }

  /**
   * Records {@code now} as what is reported for {@code uid}, and says whether it is news: drift
   * other than what was reported last ({@link #last}).
   */
  boolean report(String uid, Drift now, SecurityGroupStatus status) {
    Drift before = last(uid, status);
    byUid.put(uid, now);
    return !now.equals(Drift.NONE) && !Objects.equals(now, before);
  }

  /** The SecurityGroup is gone: nothing more is reported about it. */
  void forget(String uid) {
    byUid.remove(uid);
  }
}
