package dev.portcullis.engine;

/**
 * An IPv4 range in canonical form: the address is masked to the prefix, so {@code 10.1.2.3/8} and
 * {@code 10.0.0.0/8} are one value. EC2 itself rejects a CIDR with host bits set in some APIs and
 * masks it in others; masking here (and reporting it, see {@link Canonicalizer}) means a user's
 * {@code 10.1.2.3/8} never shows up as perpetual drift against EC2's {@code 10.0.0.0/8}.
 */
public record Cidr4(int address, int prefixLength) implements Peer {
  public static final Cidr4 ANY = new Cidr4(0, 0);

  public Cidr4 {
    if (prefixLength < 0 || prefixLength > 32) {
      throw new IllegalArgumentException(
          "IPv4 prefix length " + prefixLength + " is outside 0..32");
    }
    address = address & mask(prefixLength);
  }

  public static int mask(int prefixLength) {
    return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
  }

  /** A single host. */
  public static Cidr4 host(int address) {
    return new Cidr4(address, 32);
  }

  public boolean contains(int ip) {
    return (ip & mask(prefixLength)) == address;
  }

  public boolean contains(Cidr4 other) {
    return other.prefixLength >= prefixLength && contains(other.address);
  }

  @Override
  public int kindOrder() {
    return 0;
  }

  @Override
  public int compareSameKind(Peer o) {
    Cidr4 c = (Cidr4) o;
    int a = Integer.compareUnsigned(address, c.address);
    return a != 0 ? a : Integer.compare(prefixLength, c.prefixLength);
  }

  @Override
  public String display() {
    return Ip.format4(address) + "/" + prefixLength;
  }

  @Override
  public String toString() {
    return display();
  }
}
