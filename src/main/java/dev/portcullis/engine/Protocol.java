package dev.portcullis.engine;

import java.util.Locale;
import java.util.Optional;

/**
 * An IP protocol as EC2 understands it: a number from 0 to 255, or {@code -1} for all protocols.
 *
 * <p>EC2 accepts names ({@code tcp}) or numbers ({@code 6}) and answers describe calls with either,
 * so both spellings map to the same value here; {@link #name()} gives the canonical spelling.
 */
public record Protocol(int number) implements Comparable<Protocol> {
  public static final Protocol ALL = new Protocol(-1);
  public static final Protocol ICMP = new Protocol(1);
  public static final Protocol TCP = new Protocol(6);
  public static final Protocol UDP = new Protocol(17);
  public static final Protocol ICMPV6 = new Protocol(58);

  public Protocol {
    if (number < -1 || number > 255) {
      throw new IllegalArgumentException("protocol number " + number + " is outside -1..255");
    }
  }

  /**
   * Parses {@code tcp}, {@code udp}, {@code icmp}, {@code icmpv6}, {@code all} (or {@code -1}) and
   * numbers 0-255, case-insensitively.
   */
  public static Optional<Protocol> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String t = text.trim().toLowerCase(Locale.ROOT);
    switch (t) {
      case "tcp":
        return Optional.of(TCP);
      case "udp":
        return Optional.of(UDP);
      case "icmp":
        return Optional.of(ICMP);
      case "icmpv6":
        return Optional.of(ICMPV6);
      case "all":
      case "-1":
        return Optional.of(ALL);
      default:
        if (t.isEmpty() || t.length() > 3 || !Ip.isAsciiDigits(t)) {
          return Optional.empty();
        }
        int n = Integer.parseInt(t);
        return n <= 255 ? Optional.of(new Protocol(n)) : Optional.empty();
    }
  }

  /** Ports (or ICMP type and code) only mean something for tcp, udp, icmp and icmpv6. */
  public boolean hasPorts() {
    return number == 6 || number == 17;
  }

  public boolean isIcmp() {
    return number == 1 || number == 58;
  }

  /** Whether this rule protocol covers traffic of protocol {@code p} (a concrete number). */
  public boolean covers(int p) {
    return number == -1 || number == p;
  }

  /** The canonical spelling: a name for the five named protocols, the number otherwise. */
  public String name() {
    switch (number) {
      case -1:
        return "all";
      case 1:
        return "icmp";
      case 6:
        return "tcp";
      case 17:
        return "udp";
      case 58:
        return "icmpv6";
      default:
        return Integer.toString(number);
    }
  }

  /** The spelling EC2's API takes in IpProtocol ({@code -1}, {@code tcp}, ... or a number). */
  public String ec2Name() {
    return number == -1 ? "-1" : name();
  }

  @Override
  public int compareTo(Protocol o) {
    return Integer.compare(number, o.number);
  }

  @Override
  public String toString() {
    return name();
  }
}
