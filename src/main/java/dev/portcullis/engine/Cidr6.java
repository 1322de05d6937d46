package dev.portcullis.engine;

/** An IPv6 range in canonical form (masked to its prefix), held as two 64-bit halves. */
public record Cidr6(long high, long low, int prefixLength) implements Peer {
  public static final Cidr6 ANY = new Cidr6(0, 0, 0);

  public Cidr6 {
    if (prefixLength < 0 || prefixLength > 128) {
      throw new IllegalArgumentException(
          "IPv6 prefix length " + prefixLength + " is outside 0..128");
    }
    high = high & highMask(prefixLength);
    low = low & lowMask(prefixLength);
  }

  static long highMask(int prefixLength) {
    if (prefixLength >= 64) {
      return -1L;
    }
    return prefixLength == 0 ? 0L : -1L << (64 - prefixLength);
  }

  static long lowMask(int prefixLength) {
    if (prefixLength <= 64) {
      return 0L;
    }
    return prefixLength == 128 ? -1L : -1L << (128 - prefixLength);
  }

  public boolean contains(long ipHigh, long ipLow) {
    return (ipHigh & highMask(prefixLength)) == high && (ipLow & lowMask(prefixLength)) == low;
  }

  @Override
  public int kindOrder() {
    return 1;
  }

  @Override
  public int compareSameKind(Peer o) {
    Cidr6 c = (Cidr6) o;
    int h = Long.compareUnsigned(high, c.high);
    if (h != 0) {
      return h;
    }
    int l = Long.compareUnsigned(low, c.low);
    return l != 0 ? l : Integer.compare(prefixLength, c.prefixLength);
  }

  @Override
  public String display() {
    return Ip.format6(high, low) + "/" + prefixLength;
  }

  @Override
  public String toString() {
    return display();
  }
}
