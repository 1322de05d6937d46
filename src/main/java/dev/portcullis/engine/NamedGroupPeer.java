package dev.portcullis.engine;

/**
 * A reference, by custom-resource name, to another SecurityGroup of the same namespace. Resolved to
 * a {@link GroupPeer} once that group exists.
 */
public record NamedGroupPeer(String name) implements Peer {
  public NamedGroupPeer {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("group name is empty");
    }
  }

  @Override
  public boolean isResolved() {
    return false;
  }

  @Override
  public int kindOrder() {
    return 4;
  }

  @Override
  public int compareSameKind(Peer o) {
    return name.compareTo(((NamedGroupPeer) o).name);
  }

  @Override
  public String display() {
    return "securityGroup " + name;
  }

  @Override
  public String toString() {
    return display();
  }
}
