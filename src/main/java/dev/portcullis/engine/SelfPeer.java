package dev.portcullis.engine;

/** The group the rule belongs to. EC2 reports it as the group's own id. */
public record SelfPeer() implements Peer {
  public static final SelfPeer INSTANCE = new SelfPeer();

  @Override
  public boolean isResolved() {
    return false;
  }

  @Override
  public int kindOrder() {
    return 5;
  }

  @Override
  public int compareSameKind(Peer o) {
    return 0;
  }

  @Override
  public String display() {
    return "self";
  }

  @Override
  public String toString() {
    return display();
  }
}
