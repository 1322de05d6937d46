package dev.portcullis.engine;

/**
 * One peer as a user writes it: exactly one of the fields is set. Mirrors the CRD's peer object so
 * that the engine, not the API layer, owns the rules for what is valid.
 */
public record PeerSpec(
    String cidr, String securityGroup, String securityGroupId, String prefixListId, Boolean self) {

  public static PeerSpec cidr(String cidr) {
    return new PeerSpec(cidr, null, null, null, null);
  }

  public static PeerSpec group(String name) {
    return new PeerSpec(null, name, null, null, null);
  }

  public static PeerSpec groupId(String id) {
    return new PeerSpec(null, null, id, null, null);
  }

  public static PeerSpec prefixList(String id) {
    return new PeerSpec(null, null, null, id, null);
  }

  public static PeerSpec selfRef() {
    return new PeerSpec(null, null, null, null, Boolean.TRUE);
  }
}
