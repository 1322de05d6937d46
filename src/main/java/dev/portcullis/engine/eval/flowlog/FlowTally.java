package dev.portcullis.engine.eval.flowlog;

import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * The counts of one batch of flow log lines: flows, packets and bytes per {@link FlowKey}, and
 * records skipped per {@link Skip} with the first line of each reason and what was wrong with it
 * (for a log line that names an example rather than every bad line). Not thread-safe: one per
 * batch, handed over once it is complete.
 */
public final class FlowTally {
  /** The counts of one series. */
  public static final class Counts {
    private long flows;
    private long packets;
    private long bytes;

    public long flows() {
      return flows;
    }

    public long packets() {
      return packets;
    }

    public long bytes() {
      return bytes;
    }
  }

  /** The first line skipped for a reason, and what was wrong with it. */
  public record Example(String line, String detail) {}

  private final Map<FlowKey, Counts> flows = new HashMap<>();
  private final Map<Skip, Long> skipped = new EnumMap<>(Skip.class);
  private final Map<Skip, Example> examples = new EnumMap<>(Skip.class);
  private final Denials denials = new Denials();

  /** Parses, attributes and counts each line. */
  public static FlowTally of(Iterable<String> lines, FlowLogParser parser, Attributor attributor) {
    FlowTally tally = new FlowTally();
    for (String line : lines) {
      tally.add(line, parser, attributor);
    }
    return tally;
  }

  /** Parses, attributes and counts one line; returns what it was attributed to. */
  public Attribution add(String line, FlowLogParser parser, Attributor attributor) {
    FlowLogParser.Parsed p = parser.parse(line);
    if (p.record() == null) {
      skip(line, p.skip(), p.detail());
      return Attribution.skipped(null, p.skip(), p.detail());
    }
    Attribution a = attributor.attribute(p.record());
    if (a.attributed()) {
      Counts c = flows.computeIfAbsent(a.key(), k -> new Counts());
      c.flows++;
      c.packets += p.record().packets();
      c.bytes += p.record().bytes();
      if (!a.key().accepted()) {
        denials.add(p.record(), a.key(), a.groupIds());
      }
    } else {
      skip(line, a.skip(), a.detail());
    }
    return a;
  }

  private void skip(String line, Skip reason, String detail) {
    skipped.merge(reason, 1L, Long::sum);
    examples.putIfAbsent(reason, new Example(line, detail));
  }

  /** Flows, packets and bytes per series. */
  public Map<FlowKey, Counts> flows() {
    return Collections.unmodifiableMap(flows);
  }

  /** Records skipped per reason (reasons with none are absent). */
  public Map<Skip, Long> skipped() {
    return Collections.unmodifiableMap(skipped);
  }

  /** The first line skipped for each reason. */
  public Map<Skip, Example> examples() {
    return Collections.unmodifiableMap(examples);
  }

  /** The rejected records by interface, for the groups' summaries. */
  public Denials denials() {
    return denials;
  }

  /** Records counted as flows, of every series. */
  public long flowCount() {
    return flows.values().stream().mapToLong(Counts::flows).sum();
  }

  /** Records counted as flows with this reason. */
  public long flowCount(FlowReason reason) {
    return flows.entrySet().stream()
        .filter(e -> e.getKey().reason() == reason)
        .mapToLong(e -> e.getValue().flows())
        .sum();
  }
}
