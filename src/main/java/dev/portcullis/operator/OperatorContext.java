package dev.portcullis.operator;

import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupAttachment;
import dev.portcullis.api.v1alpha1.SecurityGroupStatus;
import dev.portcullis.engine.eval.flowlog.Denials;
import dev.portcullis.sync.AttachmentSync;
import dev.portcullis.sync.CreationQueue;
import dev.portcullis.sync.GroupInventory;
import dev.portcullis.sync.GroupKeeper;
import dev.portcullis.sync.GroupSync;
import dev.portcullis.sync.PrefixListSizes;
import dev.portcullis.sync.Retry;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** What the reconcilers share: the cloud, its inventory, retries, events and the wiring. */
public final class OperatorContext {
  /** {@code creationSlots} when creates are not paced: no resource waits for a turn to create. */
  public static final int UNPACED_CREATES = Integer.MAX_VALUE;

  /**
   * How long a resource granted its turn to create may take to come for it (its reconciliation is
   * queued behind others, or fails before the create) before the turn goes to the next.
   */
  static final Duration GRANT_TIMEOUT = Duration.ofSeconds(30);

  private final Consumer<SecurityGroup> statusWriter;
  private final CloudBackend cloud;
  private final Retry retry;
  private final GroupInventory inventory;
  private final GroupSync groupSync;
  private final AttachmentSync attachments;
  private final GroupKeeper keeper;
  private final CreationQueue creations;
  private final GroupDeleter deleter;
  private final PrefixListSizes prefixLists;
  private final EventRecorder events;
  private final Triggers triggers;
  private final ReportedDrift reportedDrift = new ReportedDrift();
  private final DenialReports denials;
  private final OperatorMetrics metrics;
  private final Clock clock;
  private final Duration deleteRetry;
  private final Duration resync;
  private final Shard shard;

  /**
   * @param creationSlots how many EC2 groups may be in creation at once ({@link CreationQueue}), or
   *     {@link #UNPACED_CREATES}
   */
  public OperatorContext(
      KubernetesClient client,
      CloudBackend cloud,
      Retry retry,
      Duration resync,
      Duration deleteRetry,
      Clock clock,
      int creationSlots,
      OperatorMetrics metrics,
      Shard shard) {
    this(
        new EventRecorder(client, clock),
        sg -> client.resource(sg).updateStatus(),
        cloud,
        retry,
        resync,
        deleteRetry,
        clock,
        creationSlots,
        metrics,
        shard.readingWith(client));
  }

  /**
   * With the events and the statuses written outside a reconciliation's return value handed to
   * {@code events} and {@code statusWriter} rather than to the API server, serving {@code shard}.
   */
  OperatorContext(
      EventRecorder events,
      Consumer<SecurityGroup> statusWriter,
      CloudBackend cloud,
      Retry retry,
      Duration resync,
      Duration deleteRetry,
      Clock clock,
      int creationSlots,
      OperatorMetrics metrics,
      Shard shard) {
    this.shard = shard;
    this.metrics = metrics;
    metrics.ec2(cloud.calls());
    this.triggers = new Triggers(metrics);
    this.denials = new DenialReports(triggers, clock);
    this.statusWriter = statusWriter;
    this.events = events;
    this.cloud = cloud;
    this.retry = retry;
    this.clock = clock;
    this.deleteRetry = deleteRetry;
    this.resync = resync;
    this.inventory = new GroupInventory(cloud.port(), retry, resync);
    this.groupSync = new GroupSync(cloud.port(), retry, cloud.quotas());
    this.attachments = new AttachmentSync(cloud.port(), retry, cloud.quotas());
    this.creations =
        creationSlots == UNPACED_CREATES
            ? CreationQueue.unbounded()
            : new CreationQueue(
                creationSlots, triggers::wake, System::nanoTime, GRANT_TIMEOUT.toNanos());
    metrics.creationsQueued(this::creationsQueued);
    this.keeper = new GroupKeeper(cloud.port(), retry, inventory, creations);
    this.deleter = new GroupDeleter(cloud.port(), retry);
    this.prefixLists = new PrefixListSizes(cloud.port(), retry);
  }

  public CloudBackend cloud() {
    return cloud;
  }

  /** The shard this operator serves ({@link Shard#ALL} without one). */
  public Shard shard() {
    return shard;
  }

  public Retry retry() {
    return retry;
  }

  public GroupInventory inventory() {
    return inventory;
  }

  /** How many SecurityGroups of {@code region} wait for their turn to create their group. */
  private int creationsQueued(String region) {
    int n = 0;
    for (String key : creations.waitingKeys()) {
      int slash = key.indexOf('/');
      if (slash > 0
          && triggers
              .securityGroup(key.substring(0, slash), key.substring(slash + 1))
              .filter(sg -> region.equals(sg.getSpec().getRegion()))
              .isPresent()) {
        n++;
      }
    }
    return n;
  }

  CreationQueue creations() {
    return creations;
  }

  GroupKeeper keeper() {
    return keeper;
  }

  GroupSync groupSync() {
    return groupSync;
  }

  AttachmentSync attachments() {
    return attachments;
  }

  GroupDeleter deleter() {
    return deleter;
  }

  /** The sizes of the prefix lists groups reference, read from the cloud and kept a while. */
  PrefixListSizes prefixLists() {
    return prefixLists;
  }

  EventRecorder events() {
    return events;
  }

  Triggers triggers() {
    return triggers;
  }

  /**
   * The summaries of recent denials SecurityGroups show: what a flow log pump hands each read's
   * rejections to.
   */
  public Consumer<Denials> denials() {
    return denials;
  }

  /**
   * The SecurityGroupAttachments of the namespaces the operator watches, as its informer holds
   * them: which interfaces carry which attachment's groups, for a flow log pump.
   */
  public Supplier<Collection<SecurityGroupAttachment>> watchedAttachments() {
    return () -> List.copyOf(triggers.attachments());
  }

  DenialReports denialReports() {
    return denials;
  }

  /** The drift last reported for each SecurityGroup, fresher than the informer's cache. */
  ReportedDrift reportedDrift() {
    return reportedDrift;
  }

  Clock clock() {
    return clock;
  }

  OperatorMetrics metrics() {
    return metrics;
  }

  /** How often every resource is reconciled again. */
  Duration resync() {
    return resync;
  }

  Duration deleteRetry() {
    return deleteRetry;
  }

  /** Writes a status outside a reconcile's return value (while a deletion waits). */
  void patchStatus(SecurityGroup sg, SecurityGroupStatus status) {
    SecurityGroup copy = new SecurityGroup();
    copy.setMetadata(sg.getMetadata());
    copy.setSpec(sg.getSpec());
    copy.setStatus(status);
    statusWriter.accept(copy);
  }
}
