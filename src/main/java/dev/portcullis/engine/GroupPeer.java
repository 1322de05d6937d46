package dev.portcullis.engine;

/**
 * A reference to a security group by id. It matches traffic from (or to) any network interface that
 * carries the group, whatever its IP address; never by IP.
 */
public record GroupPeer(String groupId) implements Peer {
  public GroupPeer {
    if (groupId == null || groupId.isBlank()) {
      throw new IllegalArgumentException("group id is empty");
    }
  }

  @Override
  public int kindOrder() {
    return 2;
  }

  @Override
  public int compareSameKind(Peer o) {
    return groupId.compareTo(((GroupPeer) o).groupId);
  }

  @Override
  public String display() {
    return groupId;
  }

  @Override
  public String toString() {
    return display();
  }
}
