package dev.portcullis.cloud.simulator;

import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.CloudException.Kind;
import dev.portcullis.cloud.Ec2Action;
import dev.portcullis.cloud.InstanceInfo;
import dev.portcullis.cloud.ObservedRule;
import dev.portcullis.cloud.Page;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.engine.Canonicalizer;
import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Cidr6;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.GroupPeer;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.Peer;
import dev.portcullis.engine.PrefixListPeer;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.RuleCounts;
import dev.portcullis.engine.RuleKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * EC2's actions beyond the {@link dev.portcullis.cloud.CloudPort}, on one simulator: what a user
 * managing security groups by hand needs besides what the operator calls (describes with EC2's
 * filters, rules by their {@code sgr-} ids, VPCs and prefix lists, tags on several resources at
 * once). The simulator's EC2 endpoint serves them; the actions the port names it serves through the
 * port itself.
 *
 * <p>Each method is one EC2 action and runs in the simulator's envelope ({@link Ec2Simulator#run}):
 * it is throttled by its action's bucket, counted in {@link Ec2Simulator#calls()}, atomic, and sees
 * the same state as the port's calls, consistency windows included. Values are the model's
 * (canonical rules, ids); nothing here knows the wire.
 */
public final class Ec2Api {
  /** The account every simulated resource belongs to (the documentation's example account). */
  public static final String ACCOUNT_ID = "123456789012";

  private static final Pattern RULE_ID = Pattern.compile("sgr-([0-9a-f]{8}|[0-9a-f]{17})");
  private static final Pattern PREFIX_LIST_ID = Pattern.compile("pl-([0-9a-f]{8}|[0-9a-f]{17})");
  private static final int MIN_PAGE = 5;
  private static final int MAX_PAGE = 1000;
  private static final String TOKEN_VERSION = "api1";

  private final Ec2Simulator sim;

  public Ec2Api(Ec2Simulator sim) {
    this.sim = Objects.requireNonNull(sim, "sim");
  }

  public Ec2Simulator simulator() {
    return sim;
  }

  /** One filter of a describe call: an attribute's name and the values any of which may match. */
  public record Filter(String name, List<String> values) {
    public Filter {
      values = values == null ? List.of() : List.copyOf(values);
    }
  }

  /** A rule as DescribeSecurityGroupRules gives it: its group, its id, the rule. */
  public record RuleEntry(String groupId, String ruleId, Rule rule) {}

  /**
   * A network interface with everything DescribeNetworkInterfaces tells of it; {@code groupNames}
   * are its groups' names, by id.
   */
  public record InterfaceEntry(
      String interfaceId,
      String instanceId,
      String vpcId,
      int deviceIndex,
      String privateIp,
      String publicIp,
      String ipv6,
      List<String> groupIds,
      Map<String, String> groupNames) {
    public InterfaceEntry {
      groupIds = List.copyOf(groupIds);
      groupNames = Map.copyOf(groupNames);
    }
  }

  /** An instance as DescribeInstances tells of it, with its interfaces' groups' names by id. */
  public record InstanceEntry(InstanceInfo instance, Map<String, String> groupNames) {
    public InstanceEntry {
      groupNames = Map.copyOf(groupNames);
    }
  }

  /** A VPC: its id and its IPv4 and (or null) IPv6 blocks. */
  public record VpcEntry(String vpcId, String cidrBlock, String ipv6CidrBlock) {}

  /** A managed prefix list: its id, maximum entries and address family. */
  public record PrefixListEntry(String prefixListId, RuleCounts.PrefixListSize size) {}

  /** A rule's new content for ModifySecurityGroupRules; its direction is the rule's own. */
  public record RuleChange(
      String ruleId,
      String ipProtocol,
      Integer fromPort,
      Integer toPort,
      Peer peer,
      String description) {}

  // ---------------------------------------------------------------- groups

  private static final Ec2Filters<RegionState.Group> GROUP_FILTERS =
      new Ec2Filters<>(groupAttributes(), g -> g.tags);

  private static Map<String, Function<RegionState.Group, Collection<String>>> groupAttributes() {
    Map<String, Function<RegionState.Group, Collection<String>>> a = new LinkedHashMap<>();
    a.put("group-id", g -> List.of(g.id));
    a.put("group-name", g -> List.of(g.name));
    a.put("description", g -> List.of(g.description));
    a.put("vpc-id", g -> List.of(g.vpcId));
    a.put("owner-id", g -> List.of(ACCOUNT_ID));
    for (Direction d : Direction.values()) {
      String prefix = d == Direction.INGRESS ? "ip-permission." : "egress.ip-permission.";
      a.put(prefix + "cidr", g -> ruleValues(g, d, r -> r.peer() instanceof Cidr4 c ? c : null));
      a.put(
          prefix + "ipv6-cidr", g -> ruleValues(g, d, r -> r.peer() instanceof Cidr6 c ? c : null));
      a.put(
          prefix + "group-id",
          g -> ruleValues(g, d, r -> r.peer() instanceof GroupPeer p ? p.groupId() : null));
      a.put(
          prefix + "prefix-list-id",
          g ->
              ruleValues(
                  g, d, r -> r.peer() instanceof PrefixListPeer p ? p.prefixListId() : null));
      a.put(prefix + "protocol", g -> ruleValues(g, d, r -> r.protocol().ec2Name()));
      a.put(prefix + "from-port", g -> ruleValues(g, d, Rule::fromPort));
      a.put(prefix + "to-port", g -> ruleValues(g, d, Rule::toPort));
      a.put(prefix + "user-id", g -> ruleValues(g, d, r -> ACCOUNT_ID));
    }
    return a;
  }

  private static Collection<String> ruleValues(
      RegionState.Group g, Direction d, Function<Rule, Object> value) {
    Set<String> out = new LinkedHashSet<>();
    for (ObservedRule o : g.rules.values()) {
      if (o.rule().direction() == d) {
        Object v = value.apply(o.rule());
        if (v instanceof Cidr4 c) {
          out.add(c.display());
        } else if (v instanceof Cidr6 c) {
          out.add(c.display());
        } else if (v != null) {
          out.add(v.toString());
        }
      }
    }
    return out;
  }

  /**
   * DescribeSecurityGroups: the groups named by id or name (each must exist) that every filter
   * matches, in pages. A name is looked up in every VPC of the region, as the simulator has no
   * default VPC.
   */
  public Page<SecurityGroupInfo> describeSecurityGroups(
      String region,
      List<String> groupIds,
      List<String> groupNames,
      List<Filter> filters,
      String nextToken,
      Integer maxResults) {
    List<String> ids = orEmpty(groupIds);
    List<String> names = orEmpty(groupNames);
    boolean unfiltered =
        ids.isEmpty()
            && names.isEmpty()
            && orEmpty(filters).isEmpty()
            && nextToken == null
            && maxResults == null;
    return sim.run(
        Ec2Action.DESCRIBE_SECURITY_GROUPS,
        region,
        unfiltered,
        false,
        (r, now) -> {
          checkMaxResults(maxResults);
          Ec2Filters.Compiled<RegionState.Group> f = GROUP_FILTERS.compile(filters);
          String after = decode(nextToken, "sg", r.name);
          List<String> missing = new ArrayList<>();
          for (String id : ids) {
            if (id == null || !Ec2Constraints.isGroupId(id)) {
              throw Ec2Errors.groupIdMalformed(String.valueOf(id));
            }
            RegionState.Group g = r.groups.get(id);
            if (g == null || !g.visibleAt(now)) {
              missing.add(id);
            }
          }
          if (!missing.isEmpty()) {
            throw Ec2Errors.groupNotFound(missing);
          }
          for (String name : names) {
            boolean found =
                r.groups.values().stream().anyMatch(g -> g.visibleAt(now) && g.name.equals(name));
            if (!found) {
              throw new CloudException(
                  "InvalidGroup.NotFound",
                  Kind.NOT_FOUND,
                  "The security group '" + name + "' does not exist");
            }
          }
          return page(
              r.groups,
              after,
              maxResults,
              g ->
                  g.visibleAt(now)
                      && (ids.isEmpty() || ids.contains(g.id))
                      && (names.isEmpty() || names.contains(g.name))
                      && f.matches(g),
              RegionState.Group::info,
              id -> encode("sg", r.name, id));
        });
  }

  // ---------------------------------------------------------------- rules

  private static final Ec2Filters<RuleEntry> RULE_FILTERS =
      new Ec2Filters<>(
          Map.of(
              "group-id", e -> List.of(e.groupId()),
              "security-group-rule-id", e -> List.of(e.ruleId())),
          e -> Map.of());

  /**
   * DescribeSecurityGroupRules: rules by id (each must exist) and filters ({@code group-id}, {@code
   * security-group-rule-id}; simulated rules carry no tags), ordered by group and rule id, in
   * pages.
   */
  public Page<RuleEntry> describeSecurityGroupRules(
      String region,
      List<String> ruleIds,
      List<Filter> filters,
      String nextToken,
      Integer maxResults) {
    List<String> ids = orEmpty(ruleIds);
    return sim.run(
        Ec2Action.DESCRIBE_SECURITY_GROUP_RULES,
        region,
        false,
        false,
        (r, now) -> {
          checkMaxResults(maxResults);
          Ec2Filters.Compiled<RuleEntry> f = RULE_FILTERS.compile(filters);
          String after = decode(nextToken, "sgr", r.name);
          TreeMap<String, RuleEntry> all = new TreeMap<>();
          for (RegionState.Group g : candidates(r, filters)) {
            if (g.visibleAt(now)) {
              for (ObservedRule o : g.rules.values()) {
                all.put(g.id + "/" + o.ruleId(), new RuleEntry(g.id, o.ruleId(), o.rule()));
              }
            }
          }
          Set<String> known = new HashSet<>();
          all.values().forEach(e -> known.add(e.ruleId()));
          for (String id : ids) {
            checkRuleId(id);
            if (!known.contains(id)) {
              throw ruleNotFound(id);
            }
          }
          return page(
              all,
              after,
              maxResults,
              e -> (ids.isEmpty() || ids.contains(e.ruleId())) && f.matches(e),
              e -> e,
              key -> encode("sgr", r.name, key));
        });
  }

  /**
   * The groups a {@code group-id} filter of plain ids (no wildcards) can match, or every group: the
   * adapter asks for the rules of 200 groups at a time, which need not walk the region's rules.
   */
  private static Collection<RegionState.Group> candidates(RegionState r, List<Filter> filters) {
    for (Filter f : orEmpty(filters)) {
      if ("group-id".equals(f.name())
          && !f.values().isEmpty()
          && f.values().stream()
              .noneMatch(v -> v.contains("*") || v.contains("?") || v.contains("\\"))) {
        List<RegionState.Group> out = new ArrayList<>();
        for (String id : new TreeSet<>(f.values())) {
          RegionState.Group g = r.groups.get(id);
          if (g != null) {
            out.add(g);
          }
        }
        return out;
      }
    }
    return r.groups.values();
  }

  /**
   * Revoke{Ingress,Egress} by rule ids: each must be a rule of the group in that direction; all are
   * removed or none. Answers the rules removed.
   */
  public List<RuleEntry> revokeRuleIds(
      String region, String groupId, Direction direction, List<String> ruleIds) {
    Ec2Action action =
        direction == Direction.INGRESS
            ? Ec2Action.REVOKE_SECURITY_GROUP_INGRESS
            : Ec2Action.REVOKE_SECURITY_GROUP_EGRESS;
    return sim.run(
        action,
        region,
        false,
        true,
        (r, now) -> {
          RegionState.Group g = group(r, groupId, now);
          if (orEmpty(ruleIds).isEmpty()) {
            throw Ec2Errors.missingParameter("SecurityGroupRuleId");
          }
          Map<String, ObservedRule> byId = rulesById(g, direction);
          List<RuleEntry> removed = new ArrayList<>();
          Set<String> seen = new HashSet<>();
          for (String id : ruleIds) {
            checkRuleId(id);
            ObservedRule o = byId.get(id);
            if (o == null) {
              throw ruleNotInGroup(id, g.id);
            }
            if (seen.add(id)) {
              removed.add(new RuleEntry(g.id, id, o.rule()));
            }
          }
          removed.forEach(e -> g.rules.remove(e.rule().key()));
          return removed;
        });
  }

  /**
   * Revoke{Ingress,Egress} by permission, as the port's {@code revoke} (every rule must be the
   * group's; a rule named twice is revoked once), answering the rules revoked with their ids, as
   * EC2's {@code revokedSecurityGroupRuleSet} does.
   */
  public List<RuleEntry> revokeRules(
      String region, String groupId, Direction direction, List<Rule> rules) {
    Ec2Action action =
        direction == Direction.INGRESS
            ? Ec2Action.REVOKE_SECURITY_GROUP_INGRESS
            : Ec2Action.REVOKE_SECURITY_GROUP_EGRESS;
    return sim.run(
        action,
        region,
        false,
        true,
        (r, now) -> {
          RegionState.Group g = group(r, groupId, now);
          if (orEmpty(rules).isEmpty()) {
            throw Ec2Errors.missingParameter("IpPermissions");
          }
          Map<RuleKey, RuleEntry> removed = new LinkedHashMap<>();
          for (Rule rule : rules) {
            if (rule.direction() != direction) {
              throw new IllegalArgumentException(
                  "rule \"" + rule.display() + "\" is not " + direction.word());
            }
            ObservedRule o = g.rules.get(rule.key());
            if (o == null) {
              throw Ec2Errors.permissionNotFound(rule);
            }
            removed.put(rule.key(), new RuleEntry(g.id, o.ruleId(), o.rule()));
          }
          removed.keySet().forEach(g.rules::remove);
          return List.copyOf(removed.values());
        });
  }

  /**
   * UpdateSecurityGroupRuleDescriptions{Ingress,Egress} by rule ids: each must be a rule of the
   * group in that direction; a null or empty description removes it.
   */
  public void updateRuleDescriptionsById(
      String region, String groupId, Direction direction, Map<String, String> descriptions) {
    Ec2Action action =
        direction == Direction.INGRESS
            ? Ec2Action.UPDATE_SECURITY_GROUP_RULE_DESCRIPTIONS_INGRESS
            : Ec2Action.UPDATE_SECURITY_GROUP_RULE_DESCRIPTIONS_EGRESS;
    sim.run(
        action,
        region,
        false,
        true,
        (r, now) -> {
          RegionState.Group g = group(r, groupId, now);
          if (descriptions == null || descriptions.isEmpty()) {
            throw Ec2Errors.missingParameter("SecurityGroupRuleDescription");
          }
          Map<String, ObservedRule> byId = rulesById(g, direction);
          for (Map.Entry<String, String> e : descriptions.entrySet()) {
            checkRuleId(e.getKey());
            if (!byId.containsKey(e.getKey())) {
              throw ruleNotInGroup(e.getKey(), g.id);
            }
            invalidIf(Ec2Constraints.ruleDescriptionProblem(nullToEmpty(e.getValue())));
          }
          descriptions.forEach(
              (id, d) -> {
                ObservedRule o = byId.get(id);
                g.rules.put(
                    o.rule().key(), new ObservedRule(id, o.rule().withDescription(nullToEmpty(d))));
              });
          return null;
        });
  }

  /**
   * ModifySecurityGroupRules: each rule named by id gets new content and keeps its id and
   * direction. The new rules are checked as an authorize checks them (ports, description, the
   * referenced group or prefix list, duplicates, the quota), all before any is changed.
   */
  public void modifySecurityGroupRules(String region, String groupId, List<RuleChange> changes) {
    sim.run(
        Ec2Action.MODIFY_SECURITY_GROUP_RULES,
        region,
        false,
        true,
        (r, now) -> {
          RegionState.Group g = group(r, groupId, now);
          if (orEmpty(changes).isEmpty()) {
            throw Ec2Errors.missingParameter("SecurityGroupRule");
          }
          Map<String, ObservedRule> byId = new LinkedHashMap<>();
          g.rules.values().forEach(o -> byId.put(o.ruleId(), o));
          Map<RuleKey, ObservedRule> after = new LinkedHashMap<>(g.rules);
          Set<String> seen = new HashSet<>();
          List<ObservedRule> replaced = new ArrayList<>();
          for (RuleChange c : changes) {
            checkRuleId(c.ruleId());
            ObservedRule old = byId.get(c.ruleId());
            if (old == null) {
              throw ruleNotInGroup(c.ruleId(), g.id);
            }
            if (!seen.add(c.ruleId())) {
              throw Ec2Errors.invalidParameterValue(
                  "The rule " + c.ruleId() + " is named twice in the request");
            }
            if (c.peer() == null) {
              throw Ec2Errors.missingParameter("SecurityGroupRule.CidrIpv4");
            }
            Rule rule;
            try {
              rule =
                  Canonicalizer.fromEc2(
                      old.rule().direction(),
                      c.ipProtocol(),
                      c.fromPort(),
                      c.toPort(),
                      c.peer(),
                      c.description());
            } catch (IllegalArgumentException e) {
              throw Ec2Errors.invalidParameterValue(
                  "Invalid value '" + c.ipProtocol() + "' for IP protocol. Unknown protocol.");
            }
            checkRule(r, g, rule, now);
            after.remove(old.rule().key());
            replaced.add(new ObservedRule(c.ruleId(), rule));
          }
          for (ObservedRule o : replaced) {
            if (after.containsKey(o.rule().key())) {
              throw Ec2Errors.permissionDuplicate(o.rule(), false);
            }
            after.put(o.rule().key(), o);
          }
          for (Direction d : Direction.values()) {
            List<Rule> rules = after.values().stream().map(ObservedRule::rule).toList();
            RuleCounts counts = RuleCounts.count(rules, d, r.prefixLists);
            if (counts.exceeds(sim.quotas().rulesPerDirection())) {
              throw Ec2Errors.rulesLimit(
                  g.id, d, counts.ipv4(), counts.ipv6(), sim.quotas().rulesPerDirection());
            }
          }
          g.rules.clear();
          g.rules.putAll(after);
          return null;
        });
  }

  // ---------------------------------------------------------------- tags

  /**
   * CreateTags on several resources at once (groups and instances): every resource must exist and
   * every tag be valid, or nothing is tagged.
   */
  public void createTags(String region, List<String> resourceIds, Map<String, String> tags) {
    sim.run(
        Ec2Action.CREATE_TAGS,
        region,
        false,
        true,
        (r, now) -> {
          if (orEmpty(resourceIds).isEmpty()) {
            throw Ec2Errors.missingParameter("ResourceId");
          }
          if (tags == null || tags.isEmpty()) {
            throw Ec2Errors.missingParameter("Tag");
          }
          for (Map.Entry<String, String> e : tags.entrySet()) {
            invalidIf(Ec2Constraints.tagProblem(e.getKey(), nullToEmpty(e.getValue())));
          }
          List<Map<String, String>> targets = new ArrayList<>();
          for (String id : resourceIds) {
            Map<String, String> target = tagsOf(r, id, now);
            Map<String, String> merged = new LinkedHashMap<>(target);
            tags.forEach((k, v) -> merged.put(k, nullToEmpty(v)));
            if (merged.size() > Ec2Constraints.MAX_TAGS) {
              throw Ec2Errors.tagLimit(id, merged.size(), Ec2Constraints.MAX_TAGS);
            }
            targets.add(target);
          }
          for (Map<String, String> target : targets) {
            tags.forEach((k, v) -> target.put(k, nullToEmpty(v)));
          }
          return null;
        });
  }

  /**
   * DeleteTags on several resources, as EC2 does: a key mapped to null goes whatever its value, a
   * key with a value only while it has that value; no key at all removes every tag.
   */
  public void deleteTags(String region, List<String> resourceIds, Map<String, String> tags) {
    sim.run(
        Ec2Action.DELETE_TAGS,
        region,
        false,
        true,
        (r, now) -> {
          if (orEmpty(resourceIds).isEmpty()) {
            throw Ec2Errors.missingParameter("ResourceId");
          }
          Map<String, String> named = tags == null ? Map.of() : tags;
          for (String key : named.keySet()) {
            invalidIf(Ec2Constraints.tagKeyProblem(key));
          }
          List<Map<String, String>> targets = new ArrayList<>();
          for (String id : resourceIds) {
            targets.add(tagsOf(r, id, now));
          }
          for (Map<String, String> target : targets) {
            if (named.isEmpty()) {
              target.clear();
            }
            named.forEach(
                (k, v) -> {
                  if (target.containsKey(k) && (v == null || v.equals(target.get(k)))) {
                    target.remove(k);
                  }
                });
          }
          return null;
        });
  }

  // ---------------------------------------------------------------- instances and interfaces

  private static final Ec2Filters<RegionState.Instance> INSTANCE_FILTERS =
      new Ec2Filters<>(instanceAttributes(), i -> i.tags);

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

  /**
   * DescribeInstances: instances by id (each must exist; not together with {@code maxResults}, as
   * EC2 refuses) that every filter matches, in pages.
   */
  public Page<InstanceEntry> describeInstances(
      String region,
      List<String> instanceIds,
      List<Filter> filters,
      String nextToken,
      Integer maxResults) {
    List<String> ids = orEmpty(instanceIds);
    boolean unfiltered =
        ids.isEmpty() && orEmpty(filters).isEmpty() && nextToken == null && maxResults == null;
    return sim.run(
        Ec2Action.DESCRIBE_INSTANCES,
        region,
        unfiltered,
        false,
        (r, now) -> {
          checkMaxResults(maxResults);
          if (maxResults != null && !ids.isEmpty()) {
            throw Ec2Errors.invalidParameterCombination(
                "The parameter instancesSet cannot be used with the parameter maxResults");
          }
          Ec2Filters.Compiled<RegionState.Instance> f = INSTANCE_FILTERS.compile(filters);
          String after = decode(nextToken, "i", r.name);
          List<String> missing = new ArrayList<>();
          for (String id : ids) {
            if (id == null || !Ec2Constraints.INSTANCE_ID.matcher(id).matches()) {
              throw Ec2Errors.instanceIdMalformed(String.valueOf(id));
            }
            if (!r.instances.containsKey(id)) {
              missing.add(id);
            }
          }
          if (!missing.isEmpty()) {
            throw Ec2Errors.instanceNotFound(missing);
          }
          return page(
              r.instances,
              after,
              maxResults,
              i -> (ids.isEmpty() || ids.contains(i.id)) && f.matches(i),
              i -> new InstanceEntry(i.info(), groupNames(r, interfaceValues(i, n -> n.groupIds))),
              id -> encode("i", r.name, id));
        });
  }

  private static final Ec2Filters<RegionState.Interface> INTERFACE_FILTERS =
      new Ec2Filters<>(interfaceAttributes(), null);

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

  /**
   * DescribeNetworkInterfaces: interfaces by id (each must exist) that every filter matches, in
   * pages. Every simulated interface belongs to an instance.
   */
  public Page<InterfaceEntry> describeNetworkInterfaces(
      String region,
      List<String> interfaceIds,
      List<Filter> filters,
      String nextToken,
      Integer maxResults) {
    List<String> ids = orEmpty(interfaceIds);
    return sim.run(
        Ec2Action.DESCRIBE_NETWORK_INTERFACES,
        region,
        false,
        false,
        (r, now) -> {
          checkMaxResults(maxResults);
          Ec2Filters.Compiled<RegionState.Interface> f = INTERFACE_FILTERS.compile(filters);
          String after = decode(nextToken, "eni", r.name);
          for (String id : ids) {
            if (id == null || !Ec2Constraints.INTERFACE_ID.matcher(id).matches()) {
              throw Ec2Errors.interfaceIdMalformed(String.valueOf(id));
            }
            if (!r.interfaces.containsKey(id)) {
              throw Ec2Errors.interfaceNotFound(id);
            }
          }
          return page(
              new TreeMap<>(r.interfaces),
              after,
              maxResults,
              n -> (ids.isEmpty() || ids.contains(n.id)) && f.matches(n),
              n -> entry(n, groupNames(r, n.groupIds)),
              id -> encode("eni", r.name, id));
        });
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

  private static final Ec2Filters<RegionState.Vpc> VPC_FILTERS =
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
          v -> Map.of());

  /** DescribeVpcs: VPCs by id (each must exist) that every filter matches, in pages. */
  public Page<VpcEntry> describeVpcs(
      String region, List<String> vpcIds, List<Filter> filters, String nextToken, Integer max) {
    List<String> ids = orEmpty(vpcIds);
    return sim.run(
        Ec2Action.DESCRIBE_VPCS,
        region,
        false,
        false,
        (r, now) -> {
          checkMaxResults(max);
          Ec2Filters.Compiled<RegionState.Vpc> f = VPC_FILTERS.compile(filters);
          String after = decode(nextToken, "vpc", r.name);
          for (String id : ids) {
            if (id == null || !Ec2Constraints.VPC_ID.matcher(id).matches()) {
              throw Ec2Errors.vpcIdMalformed(String.valueOf(id));
            }
            if (!r.vpcs.containsKey(id)) {
              throw Ec2Errors.vpcNotFound(id);
            }
          }
          return page(
              new TreeMap<>(r.vpcs),
              after,
              max,
              v -> (ids.isEmpty() || ids.contains(v.id())) && f.matches(v),
              v ->
                  new VpcEntry(
                      v.id(),
                      v.cidr().display(),
                      v.ipv6Cidr() == null ? null : v.ipv6Cidr().display()),
              id -> encode("vpc", r.name, id));
        });
  }

  private static final Ec2Filters<PrefixListEntry> PREFIX_LIST_FILTERS =
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
          p -> Map.of());

  /**
   * DescribeManagedPrefixLists: lists by id (each must exist) that every filter matches, in pages.
   */
  public Page<PrefixListEntry> describeManagedPrefixLists(
      String region,
      List<String> prefixListIds,
      List<Filter> filters,
      String nextToken,
      Integer maxResults) {
    List<String> ids = orEmpty(prefixListIds);
    return sim.run(
        Ec2Action.DESCRIBE_MANAGED_PREFIX_LISTS,
        region,
        false,
        false,
        (r, now) -> {
          if (maxResults != null && (maxResults < 1 || maxResults > 100)) {
            throw Ec2Errors.invalidParameterValue(
                "Value ("
                    + maxResults
                    + ") for parameter maxResults is invalid: expecting a value from 1 to 100");
          }
          Ec2Filters.Compiled<PrefixListEntry> f = PREFIX_LIST_FILTERS.compile(filters);
          String after = decode(nextToken, "pl", r.name);
          for (String id : ids) {
            if (id == null || !PREFIX_LIST_ID.matcher(id).matches()) {
              throw new CloudException(
                  "InvalidPrefixListID.Malformed",
                  Kind.INVALID,
                  "The prefix list ID '" + id + "' is malformed");
            }
            if (!r.prefixLists.containsKey(id)) {
              throw Ec2Errors.prefixListNotFound(id);
            }
          }
          TreeMap<String, PrefixListEntry> all = new TreeMap<>();
          r.prefixLists.forEach((id, size) -> all.put(id, new PrefixListEntry(id, size)));
          return page(
              all,
              after,
              maxResults,
              p -> (ids.isEmpty() || ids.contains(p.prefixListId())) && f.matches(p),
              p -> p,
              id -> encode("pl", r.name, id));
        });
  }

  // ---------------------------------------------------------------- shared

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  private static RegionState.Group group(RegionState r, String id, long now) {
    if (id == null || id.isEmpty()) {
      throw Ec2Errors.missingParameter("GroupId");
    }
    if (!Ec2Constraints.isGroupId(id)) {
      throw Ec2Errors.groupIdMalformed(id);
    }
    RegionState.Group g = r.groups.get(id);
    if (g == null || !g.visibleAt(now)) {
      throw Ec2Errors.groupNotFound(id);
    }
    return g;
  }

  /** The tags of a group ({@code sg-}) or an instance ({@code i-}), which must exist. */
  private static Map<String, String> tagsOf(RegionState r, String id, long now) {
    if (id != null && id.startsWith("sg-")) {
      return group(r, id, now).tags;
    }
    if (id != null && id.startsWith("i-")) {
      if (!Ec2Constraints.INSTANCE_ID.matcher(id).matches()) {
        throw Ec2Errors.instanceIdMalformed(id);
      }
      RegionState.Instance i = r.instances.get(id);
      if (i == null) {
        throw Ec2Errors.instanceNotFound(List.of(id));
      }
      return i.tags;
    }
    throw Ec2Errors.invalidId(String.valueOf(id));
  }

  private static Map<String, ObservedRule> rulesById(RegionState.Group g, Direction d) {
    Map<String, ObservedRule> out = new LinkedHashMap<>();
    for (ObservedRule o : g.rules.values()) {
      if (o.rule().direction() == d) {
        out.put(o.ruleId(), o);
      }
    }
    return out;
  }

  private static void checkRuleId(String id) {
    if (id == null || !RULE_ID.matcher(id).matches()) {
      throw new CloudException(
          "InvalidSecurityGroupRuleId.Malformed",
          Kind.INVALID,
          "The security group rule ID '" + id + "' is malformed");
    }
  }

  private static CloudException ruleNotFound(String id) {
    return new CloudException(
        "InvalidSecurityGroupRuleId.NotFound",
        Kind.NOT_FOUND,
        "The security group rule ID '" + id + "' does not exist");
  }

  private static CloudException ruleNotInGroup(String id, String groupId) {
    return new CloudException(
        "InvalidSecurityGroupRuleId.NotFound",
        Kind.NOT_FOUND,
        "The specified rule " + id + " does not exist in this security group (" + groupId + ")");
  }

  /** The checks an authorize makes of one rule; the port's own live in {@link Ec2Simulator}. */
  private static void checkRule(RegionState r, RegionState.Group target, Rule rule, long now) {
    invalidIf(Ec2Constraints.portsProblem(rule));
    invalidIf(Ec2Constraints.ruleDescriptionProblem(rule.description()));
    if (rule.peer() instanceof GroupPeer gp) {
      RegionState.Group referenced = group(r, gp.groupId(), now);
      if (!referenced.vpcId.equals(target.vpcId)) {
        throw Ec2Errors.groupNotInVpc(gp.groupId(), target.vpcId);
      }
    } else if (rule.peer() instanceof PrefixListPeer pl) {
      if (!r.prefixLists.containsKey(pl.prefixListId())) {
        throw Ec2Errors.prefixListNotFound(pl.prefixListId());
      }
    }
  }

  private static void invalidIf(String problem) {
    if (problem != null) {
      throw Ec2Errors.invalidParameterValue(problem);
    }
  }

  private static void checkMaxResults(Integer maxResults) {
    if (maxResults != null && (maxResults < MIN_PAGE || maxResults > MAX_PAGE)) {
      throw Ec2Errors.invalidParameterValue(
          "Value ("
              + maxResults
              + ") for parameter maxResults is invalid: expecting a value from "
              + MIN_PAGE
              + " to "
              + MAX_PAGE);
    }
  }

  /** One page of {@code all} (by key) after the key {@code after}, as the port's describes page. */
  private static <T, R> Page<R> page(
      TreeMap<String, T> all,
      String after,
      Integer maxResults,
      Predicate<T> keep,
      Function<T, R> view,
      Function<String, String> token) {
    Map<String, T> from = after == null ? all : all.tailMap(after, false);
    List<R> items = new ArrayList<>();
    int limit = maxResults == null ? Integer.MAX_VALUE : maxResults;
    String last = null;
    for (Map.Entry<String, T> e : from.entrySet()) {
      if (!keep.test(e.getValue())) {
        continue;
      }
      if (items.size() == limit) {
        return new Page<>(items, token.apply(last));
      }
      items.add(view.apply(e.getValue()));
      last = e.getKey();
    }
    return new Page<>(items, null);
  }

  /** Tokens carry where the previous page ended; they are bound to the action and region. */
  private static String encode(String kind, String region, String lastKey) {
    String raw = TOKEN_VERSION + "|" + kind + "|" + region + "|" + lastKey;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String token, String kind, String region) {
    if (token == null) {
      return null;
    }
    String raw;
    try {
      raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw Ec2Errors.paginationToken();
    }
    String[] parts = raw.split("\\|", -1);
    if (parts.length != 4
        || !parts[0].equals(TOKEN_VERSION)
        || !parts[1].equals(kind)
        || !parts[2].equals(region)
        || parts[3].isEmpty()) {
      throw Ec2Errors.paginationToken();
    }
    return parts[3];
  }
}
