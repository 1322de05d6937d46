package dev.portcullis.engine.eval.flowlog;

import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.GroupPeer;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.Peer;
import dev.portcullis.engine.PrefixListPeer;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.eval.Estate;
import dev.portcullis.engine.eval.GroupState;
import dev.portcullis.engine.eval.InstanceState;
import dev.portcullis.engine.eval.NetworkInterface;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A small estate and flow log lines about it, for the attribution tests and the meters' tests. */
public final class FlowLogFixtures {
  private FlowLogFixtures() {}

  private static final String REGION = "eu-west-1";
  private static final String VPC = "vpc-1";

  /**
   * web: HTTPS from anywhere, SSH from the bastion's group, 8080 from a prefix list, ICMP echo from
   * the VPC; bastion: SSH from one network, any ICMP, and egress only SSH within the VPC; odd
   * carries web and a group the state does not hold.
   */
  public static Estate estate() {
    GroupState web =
        new GroupState(
            "sg-web",
            "web",
            REGION,
            VPC,
            List.of(
                rule(Direction.INGRESS, Protocol.TCP, 443, 443, Cidr4.ANY),
                rule(Direction.INGRESS, Protocol.TCP, 22, 22, new GroupPeer("sg-bastion")),
                rule(Direction.INGRESS, Protocol.TCP, 8080, 8080, new PrefixListPeer("pl-1")),
                rule(Direction.INGRESS, Protocol.ICMP, 8, -1, cidr("10.0.0.0/16")),
                Rule.DEFAULT_EGRESS));
    GroupState bastion =
        new GroupState(
            "sg-bastion",
            "bastion",
            REGION,
            VPC,
            List.of(
                rule(Direction.INGRESS, Protocol.TCP, 22, 22, cidr("203.0.113.0/24")),
                rule(Direction.INGRESS, Protocol.ICMP, -1, -1, Cidr4.ANY),
                rule(Direction.EGRESS, Protocol.TCP, 22, 22, cidr("10.0.0.0/16"))));
    return new Estate(
        List.of(web, bastion),
        List.of(
            instance("i-web", "eni-web", "10.0.0.10", List.of("sg-web")),
            instance("i-bastion", "eni-bastion", "10.0.0.20", List.of("sg-bastion")),
            instance("i-odd", "eni-odd", "10.0.0.30", List.of("sg-web", "sg-ghost"))));
  }

  private static Rule rule(Direction d, Protocol p, int from, int to, Peer peer) {
    return new Rule(d, p, from, to, peer, "");
  }

  private static Cidr4 cidr(String text) {
    return (Cidr4) Ip.parseCidr(text).cidr();
  }

  private static InstanceState instance(String id, String eni, String ip, List<String> groups) {
    return new InstanceState(
        id,
        REGION,
        VPC,
        List.of(new NetworkInterface(eni, Ip.parse4(ip).orElseThrow(), null, null, groups)),
        Set.of(),
        Map.of());
  }

  public static final Owner SHOP = new Owner("shop", "web");

  /** An attributor of {@link #estate()}: eni-web belongs to {@link #SHOP}; port 8080 is named. */
  public static Attributor attributor() {
    return Attributor.of(estate(), Map.of("eni-web", SHOP), PortLabels.of(List.of(8080)));
  }

  /** A record in the default format: 3 packets, 180 bytes, from port 49152. */
  public static String line(
      String eni, String src, String dst, int port, int protocol, String action) {
    return "2 123456789012 "
        + eni
        + " "
        + src
        + " "
        + dst
        + " 49152 "
        + port
        + " "
        + protocol
        + " 3 180 1700000000 1700000060 "
        + action
        + " OK";
  }
}
