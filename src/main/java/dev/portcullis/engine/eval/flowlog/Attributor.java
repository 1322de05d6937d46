package dev.portcullis.engine.eval.flowlog;

import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.eval.Estate;
import dev.portcullis.engine.eval.InterfaceLegs;
import java.util.Map;

/**
 * Attributes flow log records over one observed state: finds the record's network interface, tells
 * whether the packet arrived or left (the record's {@code flow-direction}, else which of its
 * addresses is the interface's), and for a rejected packet decides, with {@link InterfaceLegs}, the
 * leg the interface's groups decided:
 *
 * <ul>
 *   <li>arriving, and no ingress rule of the groups allows it: {@link FlowReason#NO_INGRESS_RULE};
 *   <li>leaving, and no egress rule of the groups allows it: {@link FlowReason#NO_EGRESS_RULE};
 *   <li>the groups allow it: {@link FlowReason#NOT_SECURITY_GROUP} (a network ACL, or a late packet
 *       of a connection whose tracking had ended, dropped it);
 *   <li>the state cannot tell (a prefix list, an ICMP rule for one type, a group it does not hold):
 *       skipped as {@link Skip#UNDECIDED}, never blamed on a group.
 * </ul>
 *
 * <p>An accepted packet is counted as {@link FlowReason#ALLOWED} without being decided: the groups
 * let it through. ICMP records carry no type, so an ICMP packet is decided for any type. Immutable
 * and thread-safe; build one per observed state.
 */
public final class Attributor {
  private final InterfaceLegs legs;
  private final Map<String, Owner> owners;
  private final PortLabels ports;

  /**
   * @param owners the attachment of each interface that carries an attachment's groups; every other
   *     interface is {@link Owner#UNMANAGED}
   */
  public Attributor(InterfaceLegs legs, Map<String, Owner> owners, PortLabels ports) {
    this.legs = legs;
    this.owners = Map.copyOf(owners);
    this.ports = ports;
  }

  /** An attributor over an estate. */
  public static Attributor of(Estate estate, Map<String, Owner> owners, PortLabels ports) {
    return new Attributor(new InterfaceLegs(estate), owners, ports);
  }

  public Attribution attribute(FlowLogRecord r) {
    InterfaceLegs.Interface nic = legs.find(r.interfaceId());
    if (nic == null) {
      return Attribution.skipped(r, Skip.UNKNOWN_INTERFACE, r.interfaceId());
    }
    Direction direction = r.direction() != null ? r.direction() : direction(nic, r);
    if (direction == null) {
      return Attribution.skipped(
          r,
          Skip.UNKNOWN_DIRECTION,
          "neither address is " + r.interfaceId() + "'s " + Ip.format4(nic.privateIp()));
    }
    boolean icmp = r.protocol() == Protocol.ICMP.number() || r.protocol() == 58;
    FlowReason reason = FlowReason.ALLOWED;
    if (!r.accepted()) {
      int port = icmp ? InterfaceLegs.ANY_ICMP_TYPE : r.dstPort();
      boolean in = direction == Direction.INGRESS;
      InterfaceLegs.Outcome outcome =
          r.ipv6()
              ? legs.decide6(
                  nic,
                  direction,
                  r.protocol(),
                  port,
                  in ? r.srcHigh() : r.dstHigh(),
                  in ? r.srcLow() : r.dstLow())
              : legs.decide4(nic, direction, r.protocol(), port, in ? r.src4() : r.dst4());
      reason =
          switch (outcome) {
            case ALLOWED -> FlowReason.NOT_SECURITY_GROUP;
            case DENIED -> in ? FlowReason.NO_INGRESS_RULE : FlowReason.NO_EGRESS_RULE;
            case UNDECIDED -> null;
          };
      if (reason == null) {
        return Attribution.skipped(
            r,
            Skip.UNDECIDED,
            "a prefix list, an ICMP type or a group not known to the observed state might allow it");
      }
    }
    String protocol =
        switch (r.protocol()) {
          case 6 -> "tcp";
          case 17 -> "udp";
          case 1 -> "icmp";
          case 58 -> "icmpv6";
          default -> "other";
        };
    boolean hasPorts = r.protocol() == 6 || r.protocol() == 17;
    FlowKey key =
        new FlowKey(
            owners.getOrDefault(r.interfaceId(), Owner.UNMANAGED),
            direction,
            protocol,
            hasPorts ? ports.label(r.dstPort()) : "",
            r.accepted(),
            reason);
    return new Attribution(key, nic.groupIds(), r, null, null);
  }

  /** Which way the packet went, by which address is the interface's; null when neither is. */
  private static Direction direction(InterfaceLegs.Interface nic, FlowLogRecord r) {
    if (r.ipv6()) {
      if (nic.hasIpv6(r.dstHigh(), r.dstLow())) {
        return Direction.INGRESS;
      }
      return nic.hasIpv6(r.srcHigh(), r.srcLow()) ? Direction.EGRESS : null;
    }
    if (r.dst4() == nic.privateIp()) {
      return Direction.INGRESS;
    }
    return r.src4() == nic.privateIp() ? Direction.EGRESS : null;
  }
}
