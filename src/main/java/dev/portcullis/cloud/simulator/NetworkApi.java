package dev.portcullis.cloud.simulator;

import static dev.portcullis.cloud.simulator.Ec2Api.ACCOUNT_ID;

import dev.portcullis.cloud.Ec2Action;
import dev.portcullis.cloud.Page;
import dev.portcullis.cloud.simulator.Ec2Api.InstanceEntry;
import dev.portcullis.cloud.simulator.Ec2Api.InterfaceEntry;
import dev.portcullis.cloud.simulator.Ec2Api.PrefixListEntry;
import dev.portcullis.cloud.simulator.Ec2Api.Query;
import dev.portcullis.cloud.simulator.Ec2Api.VpcEntry;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.RuleCounts;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * {@link Ec2Api}'s describes of what security groups attach to and reference: instances, network
 * interfaces, VPCs and managed prefix lists. Each runs in the simulator's envelope and pages as
 * {@link Describe} does.
 */
final class NetworkApi {
  private final Ec2Simulator sim;

  NetworkApi(Ec2Simulator sim) {
    this.sim = sim;
  }

  private static final Describe.Listing<RegionState.Instance> INSTANCES =
      new Describe.Listing<>("i", new Ec2Filters<>(instanceAttributes(), i -> i.tags), i -> i.id);

  private static Map<String, Function<RegionState.Instance, Collection<String>>>
      instanceAttributes() {
    Map<String, Function<RegionState.Instance, Collection<String>>> a = new LinkedHashMap<>();
    a.put("instance-id", i -> List.of(i.id));
    a.put("vpc-id", i -> List.of(i.vpcId));
    a.put("owner-id", i -> List.of(ACCOUNT_ID));
    a.put("instance-state-name", i -> List.of("running"));
    a.put("instance.group-id", i -> interfaceValues(i, n -> n.groupIds));
    a.put("network-interface.group-id", i -> interfaceValues(i, n -> n.groupIds));
    a.put("network-interface.network-interface-id", i -> interfaceValues(i, n -> List.of(n.id)));
    a.put(
        "private-ip-address",
        i -> interfaceValues(i, n -> n.deviceIndex == 0 ? List.of(Ip.format4(n.privateIp)) : null));
    a.put(
        "ip-address",
        i ->
            interfaceValues(
                i,
                n ->
                    n.deviceIndex == 0 && n.publicIp != null
                        ? List.of(Ip.format4(n.publicIp))
                        : null));
    return a;
  }

  private static Collection<String> interfaceValues(
      RegionState.Instance i, Function<RegionState.Interface, List<String>> values) {
    Set<String> out = new LinkedHashSet<>();
    for (RegionState.Interface n : i.interfaces) {
      List<String> v = values.apply(n);
      if (v != null) {
        out.addAll(v);
      }
    }
    return out;
  }

  /** {@link Ec2Api#describeInstances}. */
  Page<InstanceEntry> describeInstances(String region, Query q) {
    return sim.run(
        Ec2Action.DESCRIBE_INSTANCES,
        region,
        q.unfiltered(),
        false,
        (r, now) -> {
          if (q.maxResults() != null && !q.ids().isEmpty()) {
            Pagination.checkMaxResults(q.maxResults()); // a bad size is refused first, as EC2 does
            throw Ec2Errors.invalidParameterCombination(
                "The parameter instancesSet cannot be used with the parameter maxResults");
          }
          return Describe.describe(
              INSTANCES,
              r,
              q,
              ids -> RequestChecks.requireInstances(r, ids),
              r.instances,
              i -> true,
              i -> new InstanceEntry(i.info(), groupNames(r, interfaceValues(i, n -> n.groupIds))));
        });
  }

  private static final Describe.Listing<RegionState.Interface> INTERFACES =
      new Describe.Listing<>("eni", new Ec2Filters<>(interfaceAttributes(), null), n -> n.id);

  private static Map<String, Function<RegionState.Interface, Collection<String>>>
      interfaceAttributes() {
    Map<String, Function<RegionState.Interface, Collection<String>>> a = new LinkedHashMap<>();
    a.put("network-interface-id", n -> List.of(n.id));
    a.put("group-id", n -> n.groupIds);
    a.put("vpc-id", n -> List.of(n.vpcId));
    a.put("attachment.instance-id", n -> List.of(n.instanceId));
    a.put("attachment.device-index", n -> List.of(Integer.toString(n.deviceIndex)));
    a.put("private-ip-address", n -> List.of(Ip.format4(n.privateIp)));
    a.put("owner-id", n -> List.of(ACCOUNT_ID));
    a.put("status", n -> List.of("in-use"));
    return a;
  }

  /** {@link Ec2Api#describeNetworkInterfaces}. */
  Page<InterfaceEntry> describeNetworkInterfaces(String region, Query q) {
    return sim.run(
        Ec2Action.DESCRIBE_NETWORK_INTERFACES,
        region,
        false,
        false,
        (r, now) ->
            Describe.describe(
                INTERFACES,
                r,
                q,
                ids ->
                    RequestChecks.requireEach(
                        ids,
                        Ec2Constraints.INTERFACE_ID,
                        Ec2Errors::interfaceIdMalformed,
                        r.interfaces::containsKey,
                        Ec2Errors::interfaceNotFound),
                new TreeMap<>(r.interfaces),
                n -> true,
                n -> entry(n, groupNames(r, n.groupIds))));
  }

  /** The names of groups by id (a group deleted meanwhile has none). */
  private static Map<String, String> groupNames(RegionState r, Collection<String> ids) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String id : ids) {
      RegionState.Group g = r.groups.get(id);
      if (g != null) {
        out.put(id, g.name);
      }
    }
    return out;
  }

  private static InterfaceEntry entry(RegionState.Interface n, Map<String, String> names) {
    return new InterfaceEntry(
        n.id,
        n.instanceId,
        n.vpcId,
        n.deviceIndex,
        Ip.format4(n.privateIp),
        n.publicIp == null ? null : Ip.format4(n.publicIp),
        n.ipv6 == null ? null : Ip.format6(n.ipv6[0], n.ipv6[1]),
        n.groupIds,
        names);
  }

  // ---------------------------------------------------------------- VPCs and prefix lists

  private static final Describe.Listing<RegionState.Vpc> VPCS =
      new Describe.Listing<>(
          "vpc",
          new Ec2Filters<>(
              Map.of(
                  "vpc-id", v -> List.of(v.id()),
                  "cidr", v -> List.of(v.cidr().display()),
                  "cidr-block-association.cidr-block", v -> List.of(v.cidr().display()),
                  "ipv6-cidr-block-association.ipv6-cidr-block",
                      v -> v.ipv6Cidr() == null ? List.of() : List.of(v.ipv6Cidr().display()),
                  "is-default", v -> List.of("false"),
                  "owner-id", v -> List.of(ACCOUNT_ID),
                  "state", v -> List.of("available")),
              v -> Map.of()),
          RegionState.Vpc::id);

  /** {@link Ec2Api#describeVpcs}. */
  Page<VpcEntry> describeVpcs(String region, Query q) {
    return sim.run(
        Ec2Action.DESCRIBE_VPCS,
        region,
        false,
        false,
        (r, now) ->
            Describe.describe(
                VPCS,
                r,
                q,
                ids ->
                    RequestChecks.requireEach(
                        ids,
                        Ec2Constraints.VPC_ID,
                        Ec2Errors::vpcIdMalformed,
                        r.vpcs::containsKey,
                        Ec2Errors::vpcNotFound),
                new TreeMap<>(r.vpcs),
                v -> true,
                v ->
                    new VpcEntry(
                        v.id(),
                        v.cidr().display(),
                        v.ipv6Cidr() == null ? null : v.ipv6Cidr().display())));
  }

  /** EC2 pages prefix lists by at most 100. */
  private static final Describe.Listing<PrefixListEntry> PREFIX_LISTS =
      new Describe.Listing<>(
          "pl",
          new Ec2Filters<>(
              Map.of(
                  "prefix-list-id", p -> List.of(p.prefixListId()),
                  "owner-id", p -> List.of(ACCOUNT_ID),
                  "address-family",
                      p ->
                          List.of(
                              p.size().family() == RuleCounts.PrefixListSize.Family.IPV6
                                  ? "IPv6"
                                  : "IPv4")),
              p -> Map.of()),
          PrefixListEntry::prefixListId,
          1,
          100);

  /** {@link Ec2Api#describeManagedPrefixLists}. */
  Page<PrefixListEntry> describeManagedPrefixLists(String region, Query q) {
    return sim.run(
        Ec2Action.DESCRIBE_MANAGED_PREFIX_LISTS,
        region,
        false,
        false,
        (r, now) -> {
          TreeMap<String, PrefixListEntry> all = new TreeMap<>();
          r.prefixLists.forEach((id, size) -> all.put(id, new PrefixListEntry(id, size)));
          return Describe.describe(
              PREFIX_LISTS,
              r,
              q,
              ids ->
                  RequestChecks.requireEach(
                      ids,
                      Ec2Constraints.PREFIX_LIST_ID,
                      Ec2Errors::prefixListIdMalformed,
                      r.prefixLists::containsKey,
                      Ec2Errors::prefixListNotFound),
              all,
              p -> true,
              p -> p);
        });
  }
}
