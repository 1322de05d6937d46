package dev.portcullis.cloud.simulator;

import static dev.portcullis.cloud.simulator.WorldDocument.kind;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.cloud.simulator.WorldDocument.Node;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.eval.Source;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a world's {@code traffic}: flows with unique names, from an address or a declared instance,
 * to a declared instance of the flow's region, on one concrete protocol and port (or ICMP type), at
 * a positive rate.
 */
final class WorldTrafficReader {
  private final WorldDocument doc;
  private final WorldIds ids;

  WorldTrafficReader(WorldDocument doc, WorldIds ids) {
    this.doc = doc;
    this.ids = ids;
  }

  World.TrafficFlow trafficFlow(
      Node n, Map<String, World.Region> regions, List<World.TrafficFlow> earlier) {
    if (!doc.mapping(
        n, "traffic flow", "name", "region", "from", "to", "protocol", "port", "ratePerSecond")) {
      return null;
    }
    boolean ok = true;
    String name = doc.string(n.field("name"), true);
    if (name != null && earlier.stream().anyMatch(f -> f.name().equals(name))) {
      doc.error(n.field("name"), "a traffic flow named '" + name + "' is already declared");
      ok = false;
    }
    String region = doc.string(n.field("region"), true);
    if (region != null && !regions.containsKey(region)) {
      doc.error(
          n.field("region"), "unknown region '" + region + "'; the world has " + regions.keySet());
      ok = false;
    }
    Source from = trafficSource(n.field("from"));
    String to = doc.string(n.field("to"), true);
    if (to != null) {
      String where = ids.instanceRegions.get(to);
      if (where == null) {
        doc.error(n.field("to"), "unknown instance '" + to + "'");
        ok = false;
      } else if (region != null && !where.equals(region)) {
        doc.error(n.field("to"), "instance " + to + " is in region " + where + ", not " + region);
        ok = false;
      }
    }
    Protocol protocol = protocol(n.field("protocol"), false);
    Integer port = null;
    if (protocol != null) {
      Node pn = n.field("port");
      if (protocol.hasPorts()) {
        port = doc.integer(pn, true);
        if (port != null && !doc.port(pn, port, protocol.name())) {
          port = null;
        }
      } else if (protocol.isIcmp()) {
        port = pn.present() ? doc.integer(pn, true) : Integer.valueOf(8);
        if (port != null && (port < 0 || port > 255)) {
          doc.error(pn, protocol.name() + " type " + port + " is outside 0-255");
          port = null;
        }
      } else {
        if (pn.present()) {
          doc.error(pn, "protocol " + protocol.name() + " has no ports");
        }
        port = pn.present() ? null : Integer.valueOf(0);
      }
    }
    Node rn = n.field("ratePerSecond");
    Double rate = null;
    if (!rn.present()) {
      doc.error(rn, "missing required field 'ratePerSecond'");
    } else if (!rn.json().isNumber() || !(rn.json().asDouble() > 0)) {
      doc.error(rn, "must be a positive number of connections per second, not " + rn.json());
    } else {
      rate = rn.json().asDouble();
    }
    if (!ok
        || name == null
        || region == null
        || from == null
        || to == null
        || protocol == null
        || port == null
        || rate == null) {
      return null;
    }
    return new World.TrafficFlow(name, region, from, to, protocol, port, rate);
  }

  private Source trafficSource(Node n) {
    if (!n.present()) {
      doc.error(n, "missing required field 'from' (either ip or instanceId)");
      return null;
    }
    if (!doc.mapping(n, "traffic source", "ip", "instanceId")) {
      return null;
    }
    boolean hasIp = n.field("ip").present();
    boolean hasInstance = n.field("instanceId").present();
    if (hasIp == hasInstance) {
      doc.error(n, "a traffic source has exactly one of ip and instanceId");
      return null;
    }
    if (hasIp) {
      String ip = doc.string(n.field("ip"), true);
      if (ip == null) {
        return null;
      }
      Optional<Integer> v4 = Ip.parse4(ip);
      if (v4.isPresent()) {
        return new Source.Address4(v4.get());
      }
      Optional<long[]> v6 = Ip.parse6(ip);
      if (v6.isPresent()) {
        return new Source.Address6(v6.get()[0], v6.get()[1]);
      }
      doc.error(n.field("ip"), "'" + ip + "' is not an IPv4 or IPv6 address");
      return null;
    }
    String id = doc.string(n.field("instanceId"), true);
    if (id != null && !ids.instanceRegions.containsKey(id)) {
      doc.error(n.field("instanceId"), "unknown instance '" + id + "'");
      return null;
    }
    return id == null ? null : new Source.Instance(id);
  }

  private Protocol protocol(Node n, boolean allowAll) {
    if (!n.present()) {
      return Protocol.TCP;
    }
    JsonNode j = n.json();
    if (!j.isTextual() && !j.isIntegralNumber()) {
      doc.error(
          n, "a protocol is a name (tcp, udp, icmp, icmpv6, all) or a number, not " + kind(n));
      return null;
    }
    Optional<Protocol> p = Protocol.parse(j.asText());
    if (p.isEmpty()) {
      doc.error(
          n, "'" + j.asText() + "' is not a protocol: write tcp, udp, icmp, icmpv6, all or 0-255");
      return null;
    }
    if (!allowAll && p.get().number() == -1) {
      doc.error(n, "a flow has one concrete protocol, not 'all'");
      return null;
    }
    return p.get();
  }
}
