package dev.portcullis.cloud.aws;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a reader of a CloudWatch Logs group of flow logs stands, kept across restarts: the newest
 * event timestamp it read, and the ids of the events it counted within the look-back window before
 * it (with their timestamps). A reader that resumes from it reads again from {@link
 * CloudWatchFlowLogs#LOOKBACK} before the newest, and skips those ids.
 *
 * <p>At most {@link #MAX_IDS} ids are kept, the newest: an event of the window older than the
 * oldest one kept may be counted again after a restart.
 *
 * @param newest the newest event timestamp read (milliseconds since the epoch)
 * @param counted event id to timestamp, of the events counted within the window
 */
public record FlowLogCheckpoint(long newest, Map<String, Long> counted) {
  /**
   * The most ids kept: event ids are 56 digits, so that a checkpoint stays under 600 KB, well
   * within a ConfigMap's 1 MiB.
   */
  public static final int MAX_IDS = 8_000;

  private static final String HEADER = "flow-log-checkpoint v1";

  public FlowLogCheckpoint {
    counted = Map.copyOf(counted);
  }

  /** This checkpoint with at most {@code max} ids, the newest (by timestamp, then id). */
  public FlowLogCheckpoint capped(int max) {
    if (counted.size() <= max) {
      return this;
    }
    List<Map.Entry<String, Long>> ids = new ArrayList<>(counted.entrySet());
    ids.sort(
        Map.Entry.<String, Long>comparingByValue()
            .reversed()
            .thenComparing(Map.Entry.comparingByKey()));
    Map<String, Long> kept = new LinkedHashMap<>();
    for (Map.Entry<String, Long> e : ids.subList(0, max)) {
      kept.put(e.getKey(), e.getValue());
    }
    return new FlowLogCheckpoint(newest, kept);
  }

  /** As text: a header line, the newest timestamp, then one {@code id timestamp} line per id. */
  public String encode() {
    StringBuilder b = new StringBuilder(HEADER).append('\n').append(newest).append('\n');
    counted.entrySet().stream()
        .sorted(Map.Entry.comparingByValue(Comparator.naturalOrder()))
        .forEach(e -> b.append(e.getKey()).append(' ').append(e.getValue()).append('\n'));
    return b.toString();
  }

  /**
   * The checkpoint {@link #encode()} wrote.
   *
   * @throws IllegalArgumentException naming the line that is not one
   */
  public static FlowLogCheckpoint decode(String text) {
    String[] lines = Optional.ofNullable(text).orElse("").split("\n");
    if (lines.length < 2 || !lines[0].equals(HEADER)) {
      throw new IllegalArgumentException("line 1: not \"" + HEADER + "\"");
    }
    long newest = millis(lines[1], 2);
    Map<String, Long> counted = new LinkedHashMap<>();
    for (int i = 2; i < lines.length; i++) {
      String[] f = lines[i].split(" ");
      if (f.length != 2 || f[0].isEmpty()) {
        throw new IllegalArgumentException(
            "line " + (i + 1) + ": \"" + lines[i] + "\" is not an event id and a timestamp");
      }
      counted.put(f[0], millis(f[1], i + 1));
    }
    return new FlowLogCheckpoint(newest, counted);
  }

  private static long millis(String s, int line) {
    try {
      long v = Long.parseLong(s);
      if (v >= 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException(
        "line " + line + ": \"" + s + "\" is not a timestamp in milliseconds");
  }
}
