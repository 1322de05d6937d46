package dev.portcullis.operator;

import dev.portcullis.engine.eval.flowlog.FlowKey;
import dev.portcullis.engine.eval.flowlog.FlowTally;
import dev.portcullis.engine.eval.flowlog.Skip;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.EnumMap;
import java.util.Map;

/**
 * The flow meters (docs/metrics.md, Denials): flows, packets and bytes of flow log records by
 * attachment, direction, protocol, port label, action and reason, and the records skipped by
 * reason. Every label is bounded: one value per attachment, a handful of protocols, the port labels
 * of {@link dev.portcullis.engine.eval.flowlog.PortLabels}. A batch's {@link FlowTally} is added at
 * once, so the meters are touched per series of a batch, never per record.
 */
public final class FlowMeters {
  static final String FLOWS = "portcullis.flows";
  static final String PACKETS = "portcullis.flow.packets";
  static final String BYTES = "portcullis.flow.bytes";
  static final String SKIPPED = "portcullis.flow.records.skipped";

  private final MeterRegistry registry;
  private final Map<Skip, Counter> skipped = new EnumMap<>(Skip.class);

  /** Registers the skipped counter of every reason, so that each reads 0 until it happens. */
  public FlowMeters(MeterRegistry registry) {
    this.registry = registry;
    for (Skip s : Skip.values()) {
      skipped.put(
          s,
          Counter.builder(SKIPPED)
              .description(
                  "Flow log records not counted as flows, by why: malformed, a field missing, an"
                      + " interface or direction not known, or a rejection the state cannot decide")
              .tags("reason", s.label())
              .register(registry));
    }
  }

  /** Adds the counts of one batch. */
  public void add(FlowTally tally) {
    tally
        .flows()
        .forEach(
            (key, counts) -> {
              Tags tags = tags(key);
              counter(FLOWS, "Flow log records, by what decided them", tags)
                  .increment(counts.flows());
              counter(PACKETS, "Packets of the flow log records", tags).increment(counts.packets());
              counter(BYTES, "Bytes of the flow log records", tags).increment(counts.bytes());
            });
    tally.skipped().forEach((skip, n) -> skipped.get(skip).increment(n));
  }

  private Counter counter(String name, String description, Tags tags) {
    return Counter.builder(name).description(description).tags(tags).register(registry);
  }

  private static Tags tags(FlowKey k) {
    return Tags.of(
        "namespace", k.owner().namespace(),
        "attachment", k.owner().attachment(),
        "direction", k.directionLabel(),
        "protocol", k.protocol(),
        "port", k.port(),
        "action", k.actionLabel(),
        "reason", k.reason().label());
  }
}
