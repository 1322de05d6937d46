package dev.portcullis.operator;

import dev.portcullis.api.v1alpha1.AttachedInstance;
import dev.portcullis.api.v1alpha1.SecurityGroupAttachment;
import dev.portcullis.cloud.FlowLogSource;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.eval.Estate;
import dev.portcullis.engine.eval.GroupState;
import dev.portcullis.engine.eval.flowlog.Attributor;
import dev.portcullis.engine.eval.flowlog.Denials;
import dev.portcullis.engine.eval.flowlog.FlowLogFormat;
import dev.portcullis.engine.eval.flowlog.FlowLogParser;
import dev.portcullis.engine.eval.flowlog.FlowTally;
import dev.portcullis.engine.eval.flowlog.Owner;
import dev.portcullis.engine.eval.flowlog.PortLabels;
import dev.portcullis.engine.eval.flowlog.Skip;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads flow log records from their source once per interval and counts them, attributed, into the
 * {@link FlowMeters} (and hands the rejections to the groups' summaries of recent denials): the
 * state they are attributed against is the one observed at the read (the groups and instances of
 * the cloud, and which attachment put groups on which interface). Records skipped are counted by
 * reason, and the first line of each reason is logged, at most once a minute per reason, so that a
 * flood of bad lines makes one line of log, not millions.
 */
public final class FlowLogPump implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FlowLogPump.class);
  static final Duration LOG_EVERY = Duration.ofMinutes(1);

  private final FlowLogSource source;
  private final FlowLogParser parser;
  private final Supplier<Estate> estate;
  private final Supplier<Collection<SecurityGroupAttachment>> attachments;
  private final FlowMeters meters;
  private final Runnable beforeRead;
  private final LongSupplier nanoTime;
  private final Consumer<Denials> denied;
  private final Map<Skip, Long> lastLogged = new EnumMap<>(Skip.class);
  private ScheduledExecutorService timer;

  /**
   * @param estate the observed state records are attributed against, read at each batch
   * @param attachments the attachments as their status reports them: which interfaces carry their
   *     groups
   * @param beforeRead run before each read (the simulator generates its traffic up to now)
   */
  public FlowLogPump(
      FlowLogSource source,
      Supplier<Estate> estate,
      Supplier<Collection<SecurityGroupAttachment>> attachments,
      FlowMeters meters,
      Runnable beforeRead,
      LongSupplier nanoTime) {
    this(source, estate, attachments, meters, beforeRead, nanoTime, d -> {});
  }

  /**
   * As above, and each read's rejections, by interface, handed to {@code denied} (even a read that
   * found none): the groups' summaries of recent denials.
   */
  public FlowLogPump(
      FlowLogSource source,
      Supplier<Estate> estate,
      Supplier<Collection<SecurityGroupAttachment>> attachments,
      FlowMeters meters,
      Runnable beforeRead,
      LongSupplier nanoTime,
      Consumer<Denials> denied) {
    this.denied = denied;
    this.source = source;
    this.parser = new FlowLogParser(FlowLogFormat.of(source.format()));
    this.estate = estate;
    this.attachments = attachments;
    this.meters = meters;
    this.beforeRead = beforeRead;
    this.nanoTime = nanoTime;
  }

  /** Reads, attributes and counts what the source logged since the last read. */
  public synchronized FlowTally pump() {
    beforeRead.run();
    List<String> lines = source.read();
    if (lines.isEmpty()) {
      FlowTally none = new FlowTally();
      denied.accept(none.denials());
      source.counted();
      return none;
    }
    Collection<SecurityGroupAttachment> owners = attachments.get();
    Estate state = estate.get();
    Attributor attributor =
        Attributor.of(state, owners(owners), PortLabels.of(namedPorts(state, owners)));
    FlowTally tally = FlowTally.of(lines, parser, attributor);
    meters.add(tally);
    source.counted();
    denied.accept(tally.denials());
    logSkipped(tally);
    return tally;
  }

  private void logSkipped(FlowTally tally) {
    long now = nanoTime.getAsLong();
    tally
        .examples()
        .forEach(
            (skip, example) -> {
              Long last = lastLogged.get(skip);
              if (last == null || now - last >= LOG_EVERY.toNanos()) {
                lastLogged.put(skip, now);
                LOG.warn(
                    "{} flow log record(s) from {} skipped as {}, for example \"{}\": {}",
                    tally.skipped().get(skip),
                    source.describe(),
                    skip.label(),
                    example.line(),
                    example.detail());
              }
            });
  }

  /** The interfaces each attachment put its groups on, by its status. */
  static Map<String, Owner> owners(Collection<SecurityGroupAttachment> attachments) {
    Map<String, Owner> owners = new HashMap<>();
    for (SecurityGroupAttachment a : attachments) {
      if (a.getStatus() == null || a.getStatus().getAttachedInstances() == null) {
        continue;
      }
      Owner owner = new Owner(a.getMetadata().getNamespace(), a.getMetadata().getName());
      for (AttachedInstance i : a.getStatus().getAttachedInstances()) {
        if (i.getInterfaceId() != null) {
          owners.put(i.getInterfaceId(), owner);
        }
      }
    }
    return owners;
  }

  /** The single tcp and udp ports that rules of the attachments' groups name. */
  static Set<Integer> namedPorts(Estate state, Collection<SecurityGroupAttachment> attachments) {
    Set<String> managed = new HashSet<>();
    for (SecurityGroupAttachment a : attachments) {
      if (a.getStatus() != null && a.getStatus().getGroupIds() != null) {
        managed.addAll(a.getStatus().getGroupIds());
      }
    }
    Set<Integer> ports = new HashSet<>();
    for (GroupState g : state.groups()) {
      if (!managed.contains(g.groupId())) {
        continue;
      }
      for (Rule r : g.rules()) {
        if (r.protocol().hasPorts()
            && r.fromPort() == r.toPort()
            && !r.protocol().equals(Protocol.ALL)) {
          ports.add(r.fromPort());
        }
      }
    }
    return ports;
  }

  /**
   * Pumps once per {@code interval} on a thread of its own, until closed, each time {@code when}
   * says so (while this replica leads: the others would read the same records, and describe EC2).
   */
  public FlowLogPump start(Duration interval, BooleanSupplier when) {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "flow-logs");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            if (when.getAsBoolean()) {
              pump();
            }
          } catch (RuntimeException e) {
            LOG.warn("reading flow logs from {} failed; trying again", source.describe(), e);
          }
        },
        interval.toMillis(),
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
    return this;
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
