package dev.portcullis.engine.eval.flowlog;

import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Ip;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rejected records of one batch, by the network interface they were logged on, for the summary
 * each group on that interface shows of what it has been blocking: by direction, protocol,
 * destination port, the far side's prefix (its /24, or /64 for IPv6: one scanner's neighbours are
 * one entry) and reason. A denial is the verdict of the interface's groups together, so each of
 * them gets it.
 *
 * <p>Bounded: at most {@link #KEYS_PER_INTERFACE} distinct entries are kept per interface; the
 * rejections beyond them (a scan of every port) are counted in the total only. Not thread-safe,
 * like the {@link FlowTally} that fills it.
 */
public final class Denials {
  /** Distinct entries kept per interface and batch. */
  public static final int KEYS_PER_INTERFACE = 256;

  /**
   * What was rejected: {@code port} -1 for protocols without ports; {@code peer} the far side's
   * address with its host bits cleared (an IPv4 address in the low 32 bits, or an IPv6 address's
   * high half).
   */
  public record Key(
      Direction direction, String protocol, int port, boolean ipv6, long peer, FlowReason reason) {
    /** The far side's prefix, such as {@code 192.0.2.0/24} or {@code 2001:db8::/64}. */
    public String peerPrefix() {
      return ipv6 ? Ip.format6(peer, 0) + "/64" : Ip.format4((int) peer) + "/24";
    }
  }

  /** One entry of a group's summary. */
  public record Entry(Key key, long count) {}

  /** A group's rejections in the batch: how many in all, and the most frequent entries. */
  public record Summary(long rejected, List<Entry> top) {}

  private static final class PerInterface {
    final List<String> groupIds;
    final Map<Key, long[]> counts = new HashMap<>();
    long rejected;

    PerInterface(List<String> groupIds) {
      this.groupIds = groupIds;
    }
  }

  private final Map<String, PerInterface> byInterface = new HashMap<>();

  /**
   * Counts a rejected record, attributed to {@code key} on an interface carrying {@code groups}.
   */
  void add(FlowLogRecord r, FlowKey key, List<String> groups) {
    if (groups.isEmpty()) {
      return;
    }
    PerInterface nic = byInterface.computeIfAbsent(r.interfaceId(), k -> new PerInterface(groups));
    nic.rejected++;
    boolean in = key.direction() == Direction.INGRESS;
    long peer =
        r.ipv6() ? (in ? r.srcHigh() : r.dstHigh()) : ((in ? r.src4() : r.dst4()) & 0xFFFFFF00L);
    boolean hasPorts = r.protocol() == 6 || r.protocol() == 17;
    Key k =
        new Key(
            key.direction(),
            key.protocol(),
            hasPorts ? r.dstPort() : -1,
            r.ipv6(),
            peer,
            key.reason());
    long[] c = nic.counts.get(k);
    if (c == null) {
      if (nic.counts.size() >= KEYS_PER_INTERFACE) {
        return;
      }
      c = new long[1];
      nic.counts.put(k, c);
    }
    c[0]++;
  }

  /** Whether no rejection was counted. */
  public boolean isEmpty() {
    return byInterface.isEmpty();
  }

  /**
   * Each group's summary: every interface carrying it adds its rejections; the {@code top} most
   * frequent entries, ties in a fixed order (direction, protocol, port, prefix, reason).
   */
  public Map<String, Summary> byGroup(int top) {
    Map<String, Map<Key, Long>> merged = new HashMap<>();
    Map<String, Long> totals = new HashMap<>();
    for (PerInterface nic : byInterface.values()) {
      for (String g : nic.groupIds) {
        totals.merge(g, nic.rejected, Long::sum);
        Map<Key, Long> m = merged.computeIfAbsent(g, k -> new HashMap<>());
        nic.counts.forEach((k, c) -> m.merge(k, c[0], Long::sum));
      }
    }
    Comparator<Entry> order =
        Comparator.comparingLong(Entry::count)
            .reversed()
            .thenComparing(e -> e.key().direction())
            .thenComparing(e -> e.key().protocol())
            .thenComparingInt(e -> e.key().port())
            .thenComparing(e -> e.key().ipv6())
            .thenComparingLong(e -> e.key().peer())
            .thenComparing(e -> e.key().reason());
    Map<String, Summary> out = new HashMap<>();
    merged.forEach(
        (g, m) -> {
          List<Entry> entries = new ArrayList<>();
          m.forEach((k, c) -> entries.add(new Entry(k, c)));
          entries.sort(order);
          out.put(
              g,
              new Summary(
                  totals.get(g), List.copyOf(entries.subList(0, Math.min(top, entries.size())))));
        });
    return out;
  }
}
