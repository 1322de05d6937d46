package dev.portcullis.operator;

import dev.portcullis.api.v1alpha1.DenialSummary;
import dev.portcullis.api.v1alpha1.DeniedFlow;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupStatus;
import dev.portcullis.engine.eval.flowlog.Denials;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The summaries of recent denials that SecurityGroups show in {@code status.denials}. The flow log
 * pump hands over each read's rejections ({@link #accept}); a SecurityGroup whose summary changed
 * is woken, and its reconciliation, the one writer of its status, copies the summary in ({@link
 * #applyTo}). So a status is written at most once per read of the flow logs, never per record, and
 * only for the groups whose interfaces rejected something (or that stopped, once).
 *
 * <p>A summary covers one read's window and stays until a later read finds rejections again, or
 * until none has been seen for {@link #KEEP}: longer than VPC Flow Logs' longest aggregation
 * interval (10 minutes), so that records delivered in bursts do not make it come and go.
 */
final class DenialReports implements Consumer<Denials> {
  /** How long a summary stays once no rejection is seen. */
  static final Duration KEEP = Duration.ofMinutes(15);

  /** A summary taken off: the status shows none. */
  private static final DenialSummary NONE = new DenialSummary();

  private final Map<String, DenialSummary> byUid = new ConcurrentHashMap<>();
  private final Triggers triggers;
  private final Clock clock;
  private Instant lastRead;

  DenialReports(Triggers triggers, Clock clock) {
    this.triggers = triggers;
    this.clock = clock;
    this.lastRead = now();
  }

  private Instant now() {
    return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS);
  }

  /**
   * One read of the flow logs ended with these rejections: the window since the previous read.
   * Called by the pump's one thread.
   */
  @Override
  public synchronized void accept(Denials denials) {
    Instant until = now();
    Instant since = lastRead;
    lastRead = until;
    Map<String, Denials.Summary> byGroup =
        denials.isEmpty() ? Map.of() : denials.byGroup(DenialSummary.TOP);
    for (SecurityGroup sg : triggers.securityGroups()) {
      SecurityGroupStatus status = sg.getStatus();
      if (status == null || status.getGroupId() == null) {
        continue;
      }
      String uid = sg.getMetadata().getUid();
      DenialSummary shown = shown(uid, status);
      Denials.Summary found = byGroup.get(status.getGroupId());
      DenialSummary next;
      if (found != null) {
        next = summary(found, since, until);
      } else if (shown != null && stale(shown, until)) {
        next = NONE;
      } else {
        continue;
      }
      if (!Objects.equals(next == NONE ? null : next, shown)) {
        byUid.put(uid, next);
        triggers.wake(Triggers.key(sg.getMetadata().getNamespace(), sg.getMetadata().getName()));
      }
    }
  }

  /** The summary the group shows: the last one made here, else the one its status holds. */
  private DenialSummary shown(String uid, SecurityGroupStatus status) {
    DenialSummary mine = byUid.get(uid);
    if (mine == null) {
      return status.getDenials();
    }
    return mine == NONE ? null : mine;
  }

  private static boolean stale(DenialSummary s, Instant now) {
    try {
      return s.getUntil() == null || !Instant.parse(s.getUntil()).plus(KEEP).isAfter(now);
    } catch (DateTimeParseException e) {
      return true; // written by hand: replace it
    }
  }

  static DenialSummary summary(Denials.Summary s, Instant since, Instant until) {
    List<DeniedFlow> top =
        s.top().stream()
            .map(
                e ->
                    new DeniedFlow(
                        e.count(),
                        e.key().direction().word(),
                        e.key().protocol(),
                        e.key().port() < 0 ? null : e.key().port(),
                        e.key().peerPrefix(),
                        e.key().reason().label()))
            .toList();
    return new DenialSummary(since.toString(), until.toString(), s.rejected(), top);
  }

  /** Puts the group's latest summary into the status being written (none known: left as it is). */
  void applyTo(String uid, SecurityGroupStatus status) {
    DenialSummary s = byUid.get(uid);
    if (s != null) {
      status.setDenials(s == NONE ? null : s);
    }
  }

  /** The SecurityGroup is gone. */
  void forget(String uid) {
    byUid.remove(uid);
  }
}
