package dev.portcullis.cloud.simulator;

import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Cidr6;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.engine.eval.Estate;
import dev.portcullis.engine.eval.InstanceState;
import dev.portcullis.engine.eval.NetworkInterface;
import dev.portcullis.engine.eval.Reason;
import dev.portcullis.engine.eval.Source;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes the flow log records VPC Flow Logs would hold for a connection of a traffic flow: an
 * egress record on the source instance's interface (rejected when its groups' egress dropped the
 * connection), and, for a connection that left, an ingress record on the destination's interface
 * (rejected when its groups dropped it). A connection with no route is not logged at all; a group's
 * hypothetical member has no interface to log on, so only the destination's record is written, and
 * then only when its source has an address (a range sends from its first address).
 *
 * <p>Addresses are those EC2 logs: the interface's private address on its own side; the sender's
 * private address within a VPC, its public one across VPCs.
 */
final class FlowRecordWriter {
  static final String ACCOUNT = "123456789012";

  private final Map<String, InstanceState> instances = new HashMap<>();
  private int nextPort;

  FlowRecordWriter(Estate estate) {
    for (InstanceState i : estate.instances()) {
      instances.put(i.instanceId(), i);
    }
  }

  /** Writes the records of {@code connections} connections of {@code flow}, decided {@code d}. */
  void write(
      World.TrafficFlow flow,
      Decision d,
      long connections,
      long epochSecond,
      SimulatedFlowLogs out) {
    InstanceState dst = instances.get(flow.toInstanceId());
    if (dst == null || d.reason() == Reason.NO_ROUTE || d.reason() == Reason.UNKNOWN_INSTANCE) {
      return;
    }
    NetworkInterface dstNic = dst.primary();
    String srcAddress;
    String dstAddress;
    NetworkInterface srcNic = null;
    Source from = flow.from();
    if (from instanceof Source.Instance si) {
      InstanceState src = instances.get(si.instanceId());
      if (src == null) {
        return;
      }
      srcNic = src.primary();
      boolean sameVpc = src.region().equals(dst.region()) && src.vpcId().equals(dst.vpcId());
      srcAddress = Ip.format4(sameVpc ? srcNic.privateIp() : srcNic.publicIp());
      dstAddress = sameVpc ? null : Ip.format4(dstNic.publicIp());
    } else if (from instanceof Source.Address4 a) {
      srcAddress = Ip.format4(a.address());
      dstAddress = null;
    } else if (from instanceof Source.Address6 a) {
      srcAddress = Ip.format6(a.high(), a.low());
      dstAddress = Ip.format6(dstNic.ipv6()[0], dstNic.ipv6()[1]);
    } else if (from instanceof Source.Range r && r.cidr() instanceof Cidr4 c) {
      srcAddress = Ip.format4(c.address());
      dstAddress = null;
    } else if (from instanceof Source.Range r && r.cidr() instanceof Cidr6 c) {
      srcAddress = Ip.format6(c.high(), c.low());
      dstAddress = Ip.format6(dstNic.ipv6()[0], dstNic.ipv6()[1]);
    } else {
      return; // a group's member: no interface, no address
    }
    String dstPrivate = dstAddress != null && dstAddress.indexOf(':') >= 0 ? dstAddress : null;
    boolean leftSource = d.reason() != Reason.NO_EGRESS_RULE;
    boolean arrived = leftSource && d.ingress() != null;
    for (long k = 0; k < connections; k++) {
      int port = 49152 + (nextPort++ & 0x3fff);
      if (srcNic != null) {
        out.write(
            line(
                srcNic.interfaceId(),
                Ip.format4(srcNic.privateIp()),
                dstAddress != null ? dstAddress : Ip.format4(dstNic.privateIp()),
                port,
                flow,
                epochSecond,
                leftSource));
      }
      if (leftSource) {
        out.write(
            line(
                dstNic.interfaceId(),
                srcAddress,
                dstPrivate != null ? dstPrivate : Ip.format4(dstNic.privateIp()),
                port,
                flow,
                epochSecond,
                arrived));
      }
    }
  }

  private static String line(
      String eni,
      String src,
      String dst,
      int srcPort,
      World.TrafficFlow flow,
      long epochSecond,
      boolean accepted) {
    int protocol = flow.protocol().number();
    int dstPort = flow.protocol().hasPorts() ? flow.port() : 0;
    // A rejected connection is its SYN and two retries; an accepted one, a short exchange.
    return String.join(
        " ",
        "2",
        ACCOUNT,
        eni,
        src,
        dst,
        Integer.toString(flow.protocol().hasPorts() ? srcPort : 0),
        Integer.toString(dstPort),
        Integer.toString(protocol),
        accepted ? "10" : "3",
        accepted ? "1840" : "180",
        Long.toString(epochSecond),
        Long.toString(epochSecond + 1),
        accepted ? "ACCEPT" : "REJECT",
        "OK");
  }
}
