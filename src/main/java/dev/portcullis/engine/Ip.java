package dev.portcullis.engine;

import java.util.Optional;

/**
 * Parsing and formatting of IPv4 and IPv6 addresses and CIDR blocks, strict enough to explain what
 * is wrong with a bad one. No name resolution and no I/O (unlike {@code InetAddress}).
 */
public final class Ip {
  private Ip() {}

  /** The outcome of parsing a CIDR: the canonical peer, or why the text is not a CIDR. */
  public record CidrParse(Peer cidr, boolean hostBitsMasked, String error) {
    public static CidrParse failure(String error) {
      return new CidrParse(null, false, error);
    }

    public boolean ok() {
      return error == null;
    }
  }

  /**
   * Whether {@code s} is made of the ASCII digits 0-9 only. Java's {@code Character.isDigit} also
   * accepts other scripts' digits (fullwidth, Arabic-Indic...), which EC2 does not.
   */
  public static boolean isAsciiDigits(String s) {
    return s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** Parses a dotted-quad IPv4 address into an int, or empty if malformed. */
  public static Optional<Integer> parse4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return Optional.empty();
    }
    int value = 0;
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !isAsciiDigits(p)) {
        return Optional.empty();
      }
      if (p.length() > 1 && p.charAt(0) == '0') {
        return Optional.empty(); // leading zeros are ambiguous (octal in some parsers)
      }
      int octet = Integer.parseInt(p);
      if (octet > 255) {
        return Optional.empty();
      }
      value = (value << 8) | octet;
    }
    return Optional.of(value);
  }

  /** Parses an IPv6 address (with {@code ::} and an optional dotted IPv4 tail) into two longs. */
  public static Optional<long[]> parse6(String text) {
    if (text.isEmpty() || text.indexOf(':') < 0) {
      return Optional.empty();
    }
    int dc = text.indexOf("::");
    if (dc >= 0 && text.indexOf("::", dc + 1) >= 0) {
      return Optional.empty();
    }
    String head = dc >= 0 ? text.substring(0, dc) : text;
    String tail = dc >= 0 ? text.substring(dc + 2) : "";
    // A dotted IPv4 part may only end the address.
    int[] headWords = words(head, dc < 0);
    int[] tailWords = words(tail, true);
    if (headWords == null || tailWords == null) {
      return Optional.empty();
    }
    int total = headWords.length + tailWords.length;
    if ((dc < 0 && total != 8) || (dc >= 0 && total > 7)) {
      return Optional.empty();
    }
    int[] all = new int[8];
    System.arraycopy(headWords, 0, all, 0, headWords.length);
    System.arraycopy(tailWords, 0, all, 8 - tailWords.length, tailWords.length);
    long hi = 0;
    long lo = 0;
    for (int i = 0; i < 4; i++) {
      hi = (hi << 16) | all[i];
      lo = (lo << 16) | all[i + 4];
    }
    return Optional.of(new long[] {hi, lo});
  }

  private static int[] words(String part, boolean mayEndInIpv4) {
    if (part.isEmpty()) {
      return new int[0];
    }
    String[] groups = part.split(":", -1);
    int extra = 0;
    String last = groups[groups.length - 1];
    Integer v4 = null;
    if (last.indexOf('.') >= 0) {
      if (!mayEndInIpv4) {
        return null;
      }
      Optional<Integer> p = parse4(last);
      if (p.isEmpty()) {
        return null;
      }
      v4 = p.get();
      extra = 1;
    }
    int[] out = new int[groups.length + extra];
    for (int i = 0; i < groups.length - (v4 != null ? 1 : 0); i++) {
      String g = groups[i];
      if (g.isEmpty() || g.length() > 4) {
        return null;
      }
      int w = 0;
      for (char c : g.toCharArray()) {
        int d = hexDigit(c);
        if (d < 0) {
          return null;
        }
        w = (w << 4) | d;
      }
      out[i] = w;
    }
    if (v4 != null) {
      out[groups.length - 1] = v4 >>> 16;
      out[groups.length] = v4 & 0xffff;
    }
    return out;
  }

  /**
   * Parses {@code a.b.c.d/n} or an IPv6 {@code addr/n}. A missing prefix is an error (EC2 requires
   * one); host bits are masked and reported through {@link CidrParse#hostBitsMasked()}.
   */
  public static CidrParse parseCidr(String text) {
    if (text == null || text.isBlank()) {
      return CidrParse.failure("CIDR is empty");
    }
    String t = text.trim();
    int slash = t.indexOf('/');
    if (slash < 0) {
      return CidrParse.failure(
          "\"" + t + "\" has no prefix length: write a CIDR such as " + suggestion(t));
    }
    String addr = t.substring(0, slash);
    String len = t.substring(slash + 1);
    boolean v6 = addr.indexOf(':') >= 0;
    int max = v6 ? 128 : 32;
    if (len.isEmpty() || len.length() > 3 || !isAsciiDigits(len)) {
      return CidrParse.failure(
          "\"" + t + "\" has a malformed prefix length \"" + len + "\" (0-" + max + ")");
    }
    int prefix = Integer.parseInt(len);
    if (prefix > max) {
      return CidrParse.failure(
          "\""
              + t
              + "\": prefix length /"
              + prefix
              + " is out of range for "
              + (v6 ? "IPv6 (0-128)" : "IPv4 (0-32)"));
    }
    if (v6) {
      Optional<long[]> a = parse6(addr);
      if (a.isEmpty()) {
        return CidrParse.failure(
            "\"" + t + "\" is not a valid IPv6 CIDR: bad address \"" + addr + "\"");
      }
      Cidr6 c = new Cidr6(a.get()[0], a.get()[1], prefix);
      boolean masked = c.high() != a.get()[0] || c.low() != a.get()[1];
      return new CidrParse(c, masked, null);
    }
    Optional<Integer> a = parse4(addr);
    if (a.isEmpty()) {
      return CidrParse.failure(
          "\"" + t + "\" is not a valid IPv4 CIDR: bad address \"" + addr + "\"");
    }
    Cidr4 c = new Cidr4(a.get(), prefix);
    return new CidrParse(c, c.address() != a.get(), null);
  }

  private static String suggestion(String addr) {
    return addr.indexOf(':') >= 0 ? addr + "/128" : addr + "/32";
  }

  public static String format4(int address) {
    return ((address >>> 24) & 0xff)
        + "."
        + ((address >>> 16) & 0xff)
        + "."
        + ((address >>> 8) & 0xff)
        + "."
        + (address & 0xff);
  }

  /** Formats an IPv6 address in RFC 5952 form (lower case, longest zero run compressed). */
  public static String format6(long high, long low) {
    int[] w = new int[8];
    for (int i = 0; i < 4; i++) {
      w[i] = (int) ((high >>> (48 - 16 * i)) & 0xffff);
      w[i + 4] = (int) ((low >>> (48 - 16 * i)) & 0xffff);
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (w[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && w[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(w[i]));
    }
    return sb.toString();
  }
}
