package dev.portcullis.engine;

/**
 * A managed prefix list ({@code pl-...}). For quotas it counts as its maximum number of entries, as
 * EC2 counts it.
 */
public record PrefixListPeer(String prefixListId) implements Peer {
  public PrefixListPeer {
    if (prefixListId == null || prefixListId.isBlank()) {
      throw new IllegalArgumentException("prefix list id is empty");
    }
  }

  @Override
  public int kindOrder() {
    return 3;
  }

  @Override
  public int compareSameKind(Peer o) {
    return prefixListId.compareTo(((PrefixListPeer) o).prefixListId);
  }

  @Override
  public String display() {
    return prefixListId;
  }

  @Override
  public String toString() {
    return display();
  }
}
