package dev.portcullis.engine.eval.flowlog;

import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Ip;
import java.util.Optional;

/**
 * Reads flow log lines of one {@link FlowLogFormat}: fields separated by spaces, {@code -} for a
 * value that is absent. A line is either a {@link FlowLogRecord} or a {@link Skip} with a detail
 * that names the field; nothing a line holds makes it throw. Immutable and thread-safe.
 */
public final class FlowLogParser {
  /** A line read: a record, or why it was skipped and what was wrong with it. */
  public record Parsed(FlowLogRecord record, Skip skip, String detail) {
    static Parsed skipped(Skip skip, String detail) {
      return new Parsed(null, skip, detail);
    }
  }

  private static final String ABSENT = "-";

  private final FlowLogFormat format;
  private final Parsed formatLacks;

  /** The positions of {@link FlowLogFormat#REQUIRED}'s fields, in its order. */
  private final int[] required;

  public FlowLogParser(FlowLogFormat format) {
    this.format = format;
    this.required = FlowLogFormat.REQUIRED.stream().mapToInt(format.fields()::indexOf).toArray();
    this.formatLacks =
        format.missing().isEmpty()
            ? null
            : Parsed.skipped(
                Skip.MISSING_FIELD,
                "the flow log format has no " + String.join(", ", format.missing()));
  }

  public FlowLogFormat format() {
    return format;
  }

  /** Reads one line (without its line break). */
  public Parsed parse(String line) {
    if (formatLacks != null) {
      return formatLacks;
    }
    int n = format.fields().size();
    int[] start = new int[n];
    int[] end = new int[n];
    int count = split(line, start, end);
    if (count != n) {
      return Parsed.skipped(
          Skip.MALFORMED, count + (count > n ? "+" : "") + " fields where the format has " + n);
    }
    Fields f = new Fields(line, start, end);
    if (format.version >= 0) {
      long v = f.number(format.version, 255);
      if (v < 0) {
        return f.absent(format.version)
            ? Parsed.skipped(Skip.MISSING_FIELD, "no version")
            : Parsed.skipped(Skip.MALFORMED, "version '" + f.text(format.version) + "'");
      }
      if (v < 2) {
        return Parsed.skipped(Skip.UNSUPPORTED_VERSION, "version " + v);
      }
    }
    if (format.logStatus >= 0 && !f.is(format.logStatus, "OK")) {
      String status = f.text(format.logStatus);
      if (status.equals("NODATA") || status.equals("SKIPDATA")) {
        return Parsed.skipped(Skip.NO_DATA, "log-status " + status);
      }
      return Parsed.skipped(Skip.MALFORMED, "log-status '" + status + "'");
    }
    for (int k = 0; k < required.length; k++) {
      if (f.absent(required[k])) {
        return Parsed.skipped(Skip.MISSING_FIELD, "no " + FlowLogFormat.REQUIRED.get(k));
      }
    }
    String eni = f.text(format.interfaceId);
    if (!eni.startsWith("eni-")) {
      return Parsed.skipped(Skip.MALFORMED, "interface-id '" + eni + "'");
    }
    int protocol = (int) f.number(format.protocol, 255);
    int dstPort = (int) f.number(format.dstport, 65535);
    int srcPort =
        format.srcport < 0 || f.absent(format.srcport) ? -1 : (int) f.number(format.srcport, 65535);
    long packets = format.packets < 0 ? 0 : f.count(format.packets);
    long bytes = format.bytes < 0 ? 0 : f.count(format.bytes);
    if (protocol < 0 || dstPort < 0 || (srcPort < 0 && srcPort != -1)) {
      return Parsed.skipped(Skip.MALFORMED, "protocol or port out of range");
    }
    if (packets < 0 || bytes < 0) {
      return Parsed.skipped(Skip.MALFORMED, "packets or bytes not a count");
    }
    boolean accepted;
    if (f.is(format.action, "ACCEPT")) {
      accepted = true;
    } else if (f.is(format.action, "REJECT")) {
      accepted = false;
    } else {
      return Parsed.skipped(Skip.MALFORMED, "action '" + f.text(format.action) + "'");
    }
    Direction direction = null;
    if (format.flowDirection >= 0 && !f.absent(format.flowDirection)) {
      String d = f.text(format.flowDirection);
      if (d.equals("ingress")) {
        direction = Direction.INGRESS;
      } else if (d.equals("egress")) {
        direction = Direction.EGRESS;
      } else {
        return Parsed.skipped(Skip.MALFORMED, "flow-direction '" + d + "'");
      }
    }
    long src4 = ipv4(line, start[format.srcaddr], end[format.srcaddr]);
    long dst4 = ipv4(line, start[format.dstaddr], end[format.dstaddr]);
    boolean ipv6 = src4 == NOT_IPV4 || dst4 == NOT_IPV4;
    long[] src6 = {0, 0};
    long[] dst6 = {0, 0};
    if (ipv6) {
      Optional<long[]> s6 = Ip.parse6(f.text(format.srcaddr));
      Optional<long[]> d6 = Ip.parse6(f.text(format.dstaddr));
      if (s6.isEmpty() || d6.isEmpty()) {
        return Parsed.skipped(
            Skip.MALFORMED,
            "srcaddr '"
                + f.text(format.srcaddr)
                + "' and dstaddr '"
                + f.text(format.dstaddr)
                + "' are not two addresses of one family");
      }
      src6 = s6.get();
      dst6 = d6.get();
    }
    return new Parsed(
        new FlowLogRecord(
            eni,
            ipv6,
            ipv6 ? 0 : (int) src4,
            ipv6 ? 0 : (int) dst4,
            src6[0],
            src6[1],
            dst6[0],
            dst6[1],
            srcPort,
            dstPort,
            protocol,
            packets,
            bytes,
            accepted,
            direction),
        null,
        null);
  }

  /**
   * Splits on runs of spaces, recording at most {@code start.length} fields; returns how many
   * fields the line has (more than the arrays hold when it has too many).
   */
  private static int split(String line, int[] start, int[] end) {
    int count = 0;
    int i = 0;
    int len = line.length();
    while (i < len) {
      while (i < len && line.charAt(i) == ' ') {
        i++;
      }
      if (i >= len) {
        break;
      }
      int s = i;
      while (i < len && line.charAt(i) != ' ') {
        i++;
      }
      if (count < start.length) {
        start[count] = s;
        end[count] = i;
      }
      count++;
    }
    return count;
  }

  /** The fields of one line, by index into the format. */
  private record Fields(String line, int[] start, int[] end) {
    String text(int field) {
      return line.substring(start[field], end[field]);
    }

    /** Whether the field is exactly {@code value}, without copying it. */
    boolean is(int field, String value) {
      return end[field] - start[field] == value.length()
          && line.regionMatches(start[field], value, 0, value.length());
    }

    boolean absent(int field) {
      return end[field] - start[field] == 1 && line.charAt(start[field]) == '-';
    }

    /** A decimal number up to {@code max}, or -1 when the field is not one. */
    long number(int field, long max) {
      int s = start[field];
      int e = end[field];
      if (e - s > 19) {
        return -1;
      }
      long v = 0;
      for (int i = s; i < e; i++) {
        char c = line.charAt(i);
        if (c < '0' || c > '9') {
          return -1;
        }
        v = v * 10 + (c - '0');
      }
      return v <= max ? v : -1;
    }

    /** A count (packets, bytes): {@code -} reads as 0. */
    long count(int field) {
      return absent(field) ? 0 : number(field, Long.MAX_VALUE / 10);
    }
  }

  private static final long NOT_IPV4 = -1;

  /**
   * A dotted-quad IPv4 address (as its unsigned value), without allocating; {@link #NOT_IPV4} when
   * it is not one (the caller then tries IPv6).
   */
  static long ipv4(String s, int from, int to) {
    int value = 0;
    int octet = 0;
    int digits = 0;
    int dots = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        if (digits > 0 && octet == 0) {
          return NOT_IPV4; // a leading zero
        }
        octet = octet * 10 + (c - '0');
        if (++digits > 3 || octet > 255) {
          return NOT_IPV4;
        }
      } else if (c == '.') {
        if (digits == 0 || ++dots > 3) {
          return NOT_IPV4;
        }
        value = (value << 8) | octet;
        octet = 0;
        digits = 0;
      } else {
        return NOT_IPV4;
      }
    }
    if (digits == 0 || dots != 3) {
      return NOT_IPV4;
    }
    return ((value << 8) | octet) & 0xffffffffL;
  }
}
