package dev.portcullis.operator;

import dev.portcullis.api.v1alpha1.ConditionTypes;
import dev.portcullis.api.v1alpha1.DriftSummary;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupStatus;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.engine.Plan;
import dev.portcullis.engine.Resolver;
import dev.portcullis.sync.DesiredGroup;
import dev.portcullis.sync.ManagedRules;
import dev.portcullis.sync.OwnerTags;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds drift between resyncs without reconciling every SecurityGroup: once per interval it reads
 * each region's managed groups with the inventory's one paginated, tag-filtered describe ({@link
 * dev.portcullis.sync.GroupInventory#refresh}), compares each settled SecurityGroup's desired rules
 * with what EC2 holds (the plan the reconciler would make, {@link
 * dev.portcullis.sync.GroupSync#syncRules} without applying it), and wakes only the SecurityGroups
 * whose EC2 group differs from what their status says: drift to correct or to report, drift
 * reported that changed or went, a group deleted outside Portcullis. The reconciliation that
 * follows decides and acts as at a resync, on the inventory this read left fresh, so it describes
 * nothing again.
 *
 * <p>A SecurityGroup is compared only once it has settled: its group exists, this generation of its
 * spec has been applied, and it is Ready or reports drift. Anything else is being reconciled
 * already, or waits for something a scan cannot change.
 */
final class DriftScan implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DriftScan.class);

  /** The {@code outcome} of a region's scan: no SecurityGroup differs. */
  static final String IN_SYNC = "in_sync";

  /** Some SecurityGroups differ and were woken. */
  static final String DRIFT_FOUND = "drift_found";

  /** The region could not be read (EC2 refused or throttled the describe): tried next interval. */
  static final String FAILED = "failed";

  /** The default interval: drift is found within it, plus a scan and a reconciliation. */
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);

  private final OperatorContext op;
  private final ScheduledExecutorService timer;

  private DriftScan(OperatorContext op, ScheduledExecutorService timer) {
    this.op = op;
    this.timer = timer;
  }

  /** A scan that runs only when asked ({@link #scanAll}). */
  static DriftScan manual(OperatorContext op) {
    return new DriftScan(op, null);
  }

  /**
   * Scans every {@code interval} from one interval after now, on a thread of its own, each time
   * {@code when} says so (while this replica leads).
   */
  static DriftScan every(OperatorContext op, Duration interval, BooleanSupplier when) {
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "portcullis-drift-scan");
              t.setDaemon(true);
              return t;
            });
    DriftScan scan = new DriftScan(op, timer);
    long ms = interval.toMillis();
    timer.scheduleWithFixedDelay(
        () -> {
          if (when.getAsBoolean()) {
            scan.scanAll();
          }
        },
        ms,
        ms,
        TimeUnit.MILLISECONDS);
    return scan;
  }

  /** One region's scan: the SecurityGroups compared, and those woken ({@code namespace/name}). */
  record Result(int compared, List<String> woken) {}

  /**
   * Scans each region that has SecurityGroups, wakes those that differ, and counts each region's
   * scan. Never throws: a region that fails is tried again at the next interval.
   */
  void scanAll() {
    Set<String> regions = new TreeSet<>();
    op.triggers().securityGroups().stream()
        .map(sg -> sg.getSpec().getRegion())
        .filter(Objects::nonNull)
        .forEach(regions::add);
    for (String region : regions) {
      long started = System.nanoTime();
      String outcome;
      try {
        Result r = scan(region);
        r.woken().forEach(op.triggers()::wake);
        outcome = r.woken().isEmpty() ? IN_SYNC : DRIFT_FOUND;
      } catch (RuntimeException e) {
        LOG.warn("Drift scan of {} failed; trying again next interval: {}", region, e.toString());
        outcome = FAILED;
      }
      op.metrics().driftScan(region, outcome, System.nanoTime() - started);
    }
  }

  /** Reads the region's managed groups and returns the SecurityGroups whose group differs. */
  Result scan(String region) {
    Map<String, SecurityGroupInfo> byUid = new HashMap<>();
    for (SecurityGroupInfo g : op.inventory().refresh(region)) {
      String uid = g.tags().get(OwnerTags.UID);
      if (uid != null) {
        byUid.put(uid, g);
      }
    }
    int compared = 0;
    List<String> woken = new ArrayList<>();
    for (SecurityGroup sg : op.triggers().securityGroups()) {
      if (!region.equals(sg.getSpec().getRegion()) || !settled(sg)) {
        continue;
      }
      compared++;
      ObjectMeta meta = sg.getMetadata();
      SecurityGroupInfo group = byUid.get(meta.getUid());
      if (group == null
          || !group.groupId().equals(sg.getStatus().getGroupId())
          || differs(sg, group)) {
        woken.add(Triggers.key(meta.getNamespace(), meta.getName()));
      }
    }
    return new Result(compared, woken);
  }

  /**
   * Whether the group has settled: its EC2 group exists, this generation is applied, and it is
   * Ready or reports drift (a group reported deleted stays so until its spec changes).
   */
  static boolean settled(SecurityGroup sg) {
    SecurityGroupStatus s = sg.getStatus();
    ObjectMeta meta = sg.getMetadata();
    if (s == null
        || s.getGroupId() == null
        || meta.getDeletionTimestamp() != null
        || !Objects.equals(s.getObservedGeneration(), meta.getGeneration())) {
      return false;
    }
    Condition ready = Conditions.find(s.getConditions(), ConditionTypes.READY);
    return ready != null
        && ("Ready".equals(ready.getReason()) || "DriftDetected".equals(ready.getReason()));
  }

  /**
   * Whether a reconciliation would find something to do: the drift EC2 shows now is not the drift
   * last reported ({@link ReportedDrift}; none under {@code driftPolicy: Correct}).
   */
  private boolean differs(SecurityGroup sg, SecurityGroupInfo group) {
    SecurityGroupStatus status = sg.getStatus();
    // Prefix list sizes only count against quotas, which this generation has passed already.
    DesiredGroup desired = DesiredGroup.of(sg.getSpec(), op.cloud().quotas(), Map.of());
    if (!desired.ok()) {
      return false;
    }
    Map<String, String> refs = status.getResolvedReferences();
    Resolver.Resolution resolved =
        Resolver.resolve(desired.rules(), group.groupId(), refs == null ? Map.of() : refs);
    if (!resolved.complete()) {
      return true; // a reference the status does not hold: the reconciler looks it up
    }
    Plan plan =
        op.groupSync()
            .syncRules(
                sg.getSpec().getRegion(),
                group,
                resolved.rules(),
                ManagedRules.of(
                    sg.getSpec(),
                    status.getManagedRules() == null ? List.of() : status.getManagedRules(),
                    group.rules(),
                    false),
                false,
                Map.of())
            .plan();
    DriftSummary now = plan.isEmpty() ? null : SecurityGroupStatusDraft.summary(plan);
    // what this operator reported last, which the cache may not hold yet
    return !Objects.equals(
        ReportedDrift.Drift.of(now), op.reportedDrift().last(sg.getMetadata().getUid(), status));
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
