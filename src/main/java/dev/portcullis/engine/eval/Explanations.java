package dev.portcullis.engine.eval;

import dev.portcullis.engine.Protocol;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * The sentences that explain a {@link Decision}. Every evaluator builds its explanations here, from
 * parts it already has, so that two evaluators that agree on the rules also agree word for word on
 * what a user reads.
 */
final class Explanations {
  private static final String DROPPED =
      "; security groups drop what no rule allows, so the client times out";
  private static final String REFUSED =
      ", so the instance refuses the connection at once (not a time-out: a time-out would mean a"
          + " security group blocked it)";
  private static final String STATEFUL =
      "; replies are allowed back because security groups are stateful";

  private Explanations() {}

  static String unknownInstance(String instanceId) {
    return "there is no instance " + instanceId;
  }

  static String unknownGroup(String groupId) {
    return "there is no security group " + groupId;
  }

  /**
   * @param src the source as {@link #network} writes it
   * @param noPublicIp {@link #noPublicIp} of the instance that has none (the destination when
   *     neither has)
   */
  static String noRoute(String src, String dst, String noPublicIp) {
    return src
        + " and "
        + dst
        + " are in different networks and "
        + noPublicIp
        + "; packets have no path and the client times out";
  }

  /** An instance and its network: {@code i-1 (eu-west-1/vpc-1)}. */
  static String network(InstanceState instance) {
    return instance.instanceId() + " (" + instance.region() + "/" + instance.vpcId() + ")";
  }

  /** A group's hypothetical member and its network: {@code a member of sg-1 (eu-west-1/vpc-1)}. */
  static String memberNetwork(GroupState g) {
    return member(g.groupId()) + " (" + g.region() + "/" + g.vpcId() + ")";
  }

  /** {@code a member of sg-1}. */
  static String member(String groupId) {
    return "a member of " + groupId;
  }

  /**
   * An external public IPv4 source and a destination without a public IP.
   *
   * @param origin the source as a user reads it: an address or a CIDR
   */
  static String noPublicRoute(String origin, String dstId) {
    return origin
        + " is a public address, which reaches an instance only at its public IP, and "
        + noPublicIp(dstId)
        + "; packets have no path and the client times out";
  }

  /** An external IPv6 source and a destination interface without an IPv6 address. */
  static String noIpv6Route(String origin, String dstId) {
    return origin
        + " is an IPv6 address and "
        + dstId
        + " has no IPv6 address; packets have no path and the client times out";
  }

  static String noPublicIp(String instanceId) {
    return instanceId + " has no public IP";
  }

  /**
   * The start of the sentence saying that no egress rule of an instance allows a flow: it depends
   * on the instance alone, so an evaluator may write it once per instance.
   *
   * @param srcGroups the source's groups, as {@link #groupList} writes them
   */
  static String noEgressPrefix(String srcGroups, String srcId) {
    return "no egress rule of " + srcGroups + " on " + srcId + " allows ";
  }

  /**
   * @param dstIp the destination address the source sends to, written out
   */
  static String noEgress(String prefix, String traffic, String dstId, String dstIp) {
    return prefix + traffic + " to " + dstId + " (" + dstIp + ")" + DROPPED;
  }

  /** Like {@link #noEgressPrefix}, for ingress on the destination. */
  static String noIngressPrefix(String dstGroups, String dstId) {
    return "no ingress rule of " + dstGroups + " on " + dstId + " allows ";
  }

  /**
   * @param origin who sends, as a user reads it: {@link #instance}, an address, a CIDR...
   */
  static String noIngress(String prefix, String traffic, String origin) {
    return prefix + traffic + " from " + origin + DROPPED;
  }

  /** An instance as the origin of a flow: {@code i-1 (10.0.0.5)}. */
  static String instance(String instanceId, String address) {
    return instanceId + " (" + address + ")";
  }

  /**
   * @param egress the egress match as {@link Match#display()} writes it, or null when no egress
   *     rule was needed
   */
  static String reachable(String egress, String ingress) {
    if (egress == null) {
      return "reachable: ingress allowed by " + ingress + STATEFUL;
    }
    return "reachable: egress allowed by " + egress + "; ingress allowed by " + ingress + STATEFUL;
  }

  static String refused(String traffic, String egress, String ingress, String dstId) {
    // One concatenation per case, each written out: this sentence is built for one flow in three.
    if (egress == null) {
      return "the security groups allow "
          + traffic
          + " (ingress allowed by "
          + ingress
          + STATEFUL
          + "), but nothing listens on "
          + dstId
          + " at "
          + traffic
          + REFUSED;
    }
    return "the security groups allow "
        + traffic
        + " (egress allowed by "
        + egress
        + "; ingress allowed by "
        + ingress
        + STATEFUL
        + "), but nothing listens on "
        + dstId
        + " at "
        + traffic
        + REFUSED;
  }

  /**
   * {@code group sg-1 (web)} or {@code groups sg-1 (web), sg-2 (db)}.
   *
   * @param nameOf a group's name, or null for a group the estate does not hold
   */
  static String groupList(List<String> ids, Function<String, String> nameOf) {
    if (ids.isEmpty()) {
      return "the groups (none attached)";
    }
    StringJoiner j = new StringJoiner(", ", ids.size() == 1 ? "group " : "groups ", "");
    for (String id : ids) {
      String name = nameOf.apply(id);
      j.add(name == null ? id : id + " (" + name + ")");
    }
    return j.toString();
  }

  /**
   * {@link #noEgress} with the traffic written in the same concatenation, not first in a string of
   * its own: {@code head} is {@link #trafficHead}, followed by the port when {@link
   * #trafficHasPort}.
   */
  static String noEgress(
      String prefix, String head, boolean withPort, int port, String dstId, String dstIp) {
    if (withPort) {
      return prefix + head + port + " to " + dstId + " (" + dstIp + ")" + DROPPED;
    }
    return prefix + head + " to " + dstId + " (" + dstIp + ")" + DROPPED;
  }

  /**
   * {@link #noIngress}, the traffic written as in {@link #noEgress(String, String, boolean, int,
   * String, String)}.
   */
  static String noIngress(String prefix, String head, boolean withPort, int port, String origin) {
    if (withPort) {
      return prefix + head + port + " from " + origin + DROPPED;
    }
    return prefix + head + " from " + origin + DROPPED;
  }

  /**
   * {@link #refused}, the traffic written as in {@link #noEgress(String, String, boolean, int,
   * String, String)}.
   */
  static String refused(
      String head, boolean withPort, int port, String egress, String ingress, String dstId) {
    if (!withPort) {
      return refused(head, egress, ingress, dstId);
    }
    if (egress == null) {
      return "the security groups allow "
          + head
          + port
          + " (ingress allowed by "
          + ingress
          + STATEFUL
          + "), but nothing listens on "
          + dstId
          + " at "
          + head
          + port
          + REFUSED;
    }
    return "the security groups allow "
        + head
        + port
        + " (egress allowed by "
        + egress
        + "; ingress allowed by "
        + ingress
        + STATEFUL
        + "), but nothing listens on "
        + dstId
        + " at "
        + head
        + port
        + REFUSED;
  }

  /**
   * The start of {@link #traffic}: {@code "tcp port "}, {@code "icmp type "}, or all of it for a
   * protocol without ports ({@code "protocol 50"}).
   */
  static String trafficHead(Protocol p) {
    if (p.hasPorts()) {
      return p.name() + " port ";
    }
    if (p.isIcmp()) {
      return p.name() + " type ";
    }
    return "protocol " + p.name();
  }

  /** Whether {@link #traffic} ends with the port (or ICMP type) after {@link #trafficHead}. */
  static boolean trafficHasPort(Protocol p) {
    return p.hasPorts() || p.isIcmp();
  }

  /** {@code tcp port 443}, {@code icmp type 8}, {@code protocol 50}. */
  static String traffic(Protocol p, int port) {
    if (p.hasPorts()) {
      return p.name() + " port " + port;
    }
    if (p.isIcmp()) {
      return p.name() + " type " + port;
    }
    return "protocol " + p.name();
  }

  // ------------------------------------------------------------------ flows to an address

  /** Before the decision of a flow to an instance's private IP in the sender's VPC. */
  static String privateIpOf(String address, String network) {
    return address + " is the private IP of " + network + ", in the sender's VPC: ";
  }

  /** Before the decision of a flow to an instance's public IP. */
  static String publicIpOf(String address, String dstId) {
    return address
        + " is the public IP of "
        + dstId
        + ": the connection leaves through the internet gateway and arrives from the sender's"
        + " public IP, where no rule that references a group matches, only CIDR rules; ";
  }

  /** Before the decision of a flow to an instance's IPv6 address. */
  static String ipv6Of(String address, String dstId, boolean sameVpc) {
    return sameVpc
        ? address + " is the IPv6 address of " + dstId + ", in the sender's VPC: "
        : address
            + " is the IPv6 address of "
            + dstId
            + ", in another network: the connection goes over the internet, where no rule that"
            + " references a group matches, only CIDR rules; ";
  }

  /** A sender without a public IP and a public destination address. */
  static String noAnswerOverInternet(String sender, String address) {
    return sender
        + " has no public IP, so it cannot get an answer from "
        + address
        + " over the internet (a NAT gateway would give it one, and Portcullis does not model"
        + " NAT); packets have no path and the client times out";
  }

  /** A sender without an IPv6 address and an IPv6 destination. */
  static String noIpv6(String sender, String address) {
    return sender
        + " has no IPv6 address, so it cannot send to "
        + address
        + "; packets have no path and the client times out";
  }

  /** No egress rule allows a flow to an address outside the estate. */
  static String noEgressOutside(String prefix, String traffic, String address) {
    return prefix + traffic + " to " + address + DROPPED;
  }

  /** Egress rules allow only part of a destination range. */
  static String partOfRange(String prefix, String traffic, String range, String rule) {
    return prefix
        + traffic
        + " to all of "
        + range
        + "; only part of it is allowed, by "
        + rule
        + ", and security groups drop what no rule allows, so a client sending to the rest of the"
        + " range times out";
  }

  /**
   * A flow the sender's egress rules allow to an address outside the estate: what is decided, and
   * what cannot be known.
   *
   * @param note what a private address adds, or null
   */
  static String farSideUnknown(
      String egress, String sender, String traffic, String address, boolean range, String note) {
    return "reachable as far as security groups go: "
        + traffic
        + " from "
        + sender
        + (range ? " to all of " : " to ")
        + address
        + " is allowed out by "
        + egress
        + STATEFUL
        + ". "
        + address
        + (range
            ? " is taken as addresses outside the estate: no security group of theirs is"
                + " decided, and what listens there, their network ACLs and their routes are not"
                + " known"
            : " is outside the estate: no security group of the far side is decided, and what"
                + " listens there, its network ACLs and its routes are not known")
        + (note == null ? "" : "; " + note);
  }

  /**
   * What a private destination address outside the estate adds.
   *
   * @param elsewhere instances of other networks whose private IP it is, as {@link #network} writes
   *     them
   */
  static String privateOutside(
      String address, String senderNetwork, boolean range, List<String> elsewhere) {
    String s =
        address
            + (range ? " is private: beyond " : " is a private address: beyond ")
            + senderNetwork
            + " it is reached only over a route that Portcullis does not model (VPC peering, a"
            + " transit gateway, a VPN or Direct Connect)";
    if (!elsewhere.isEmpty()) {
      s +=
          "; it is the private IP of "
              + String.join(" and of ", elsewhere)
              + ", in another network, whose groups are not judged here";
    }
    return s;
  }
}
