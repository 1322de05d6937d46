package dev.portcullis.cloud.simulator;

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
import dev.portcullis.engine.Peer;
import dev.portcullis.engine.PrefixListPeer;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.RuleCounts;
import dev.portcullis.engine.RuleKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
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

  private final Ec2Simulator sim;

  private final NetworkApi network;

  public Ec2Api(Ec2Simulator sim) {
    this.sim = Objects.requireNonNull(sim, "sim");
    this.network = new NetworkApi(sim);
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

  /**
   * What a describe call asks: the ids it names (each must exist), its filters, and which page
   * ({@code nextToken} null for the first; {@code maxResults} null for everything at once).
   */
  public record Query(
      List<String> ids, List<Filter> filters, String nextToken, Integer maxResults) {
    public Query {
      ids = ids == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(ids));
      filters =
          filters == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(filters));
    }

    /** Neither ids, filters nor pages: EC2 charges such a call to a smaller bucket. */
    boolean unfiltered() {
      return ids.isEmpty() && filters.isEmpty() && nextToken == null && maxResults == null;
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

  private static final Describe.Listing<RegionState.Group> GROUPS =
      new Describe.Listing<>("sg", new Ec2Filters<>(groupAttributes(), g -> g.tags), g -> g.id);

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
      String region, Query q, List<String> groupNames) {
    List<String> names = orEmpty(groupNames);
    return sim.run(
        Ec2Action.DESCRIBE_SECURITY_GROUPS,
        region,
        q.unfiltered() && names.isEmpty(),
        false,
        (r, now) ->
            Describe.describe(
                GROUPS,
                r,
                q,
                ids -> {
                  RequestChecks.requireGroups(r, ids, now);
                  for (String name : names) {
                    if (r.groups.values().stream()
                        .noneMatch(g -> g.visibleAt(now) && g.name.equals(name))) {
                      throw Ec2Errors.groupNotFound(name);
                    }
                  }
                },
                r.groups,
                g -> g.visibleAt(now) && (names.isEmpty() || names.contains(g.name)),
                RegionState.Group::info));
  }

  // ---------------------------------------------------------------- rules

  private static final Describe.Listing<RuleEntry> RULES =
      new Describe.Listing<>(
          "sgr",
          new Ec2Filters<>(
              Map.of(
                  "group-id", e -> List.of(e.groupId()),
                  "security-group-rule-id", e -> List.of(e.ruleId())),
              e -> Map.of()),
          RuleEntry::ruleId);

  /**
   * DescribeSecurityGroupRules: rules by id (each must exist) and filters ({@code group-id}, {@code
   * security-group-rule-id}; simulated rules carry no tags), ordered by group and rule id, in
   * pages.
   */
  public Page<RuleEntry> describeSecurityGroupRules(String region, Query q) {
    return sim.run(
        Ec2Action.DESCRIBE_SECURITY_GROUP_RULES,
        region,
        false,
        false,
        (r, now) -> {
          TreeMap<String, RuleEntry> all = new TreeMap<>();
          for (RegionState.Group g : candidates(r, q.filters())) {
            if (g.visibleAt(now)) {
              for (ObservedRule o : g.rules.values()) {
                all.put(g.id + "/" + o.ruleId(), new RuleEntry(g.id, o.ruleId(), o.rule()));
              }
            }
          }
          Set<String> known = new HashSet<>();
          all.values().forEach(e -> known.add(e.ruleId()));
          return Describe.describe(
              RULES,
              r,
              q,
              ids ->
                  RequestChecks.requireEach(
                      ids,
                      Ec2Constraints.RULE_ID,
                      Ec2Errors::ruleIdMalformed,
                      known::contains,
                      Ec2Errors::ruleNotFound),
              all,
              e -> true,
              e -> e);
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
          RegionState.Group g = RequestChecks.requireGroup(r, groupId, now);
          if (orEmpty(ruleIds).isEmpty()) {
            throw Ec2Errors.missingParameter("SecurityGroupRuleId");
          }
          Map<String, ObservedRule> byId = rulesById(g, direction);
          List<RuleEntry> removed = new ArrayList<>();
          Set<String> seen = new HashSet<>();
          for (String id : ruleIds) {
            ObservedRule o = ruleOf(byId, id, g.id);
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
          RegionState.Group g = RequestChecks.requireGroup(r, groupId, now);
          RequestChecks.requireRules(orEmpty(rules));
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
          RegionState.Group g = RequestChecks.requireGroup(r, groupId, now);
          if (descriptions == null || descriptions.isEmpty()) {
            throw Ec2Errors.missingParameter("SecurityGroupRuleDescription");
          }
          Map<String, ObservedRule> byId = rulesById(g, direction);
          for (Map.Entry<String, String> e : descriptions.entrySet()) {
            ruleOf(byId, e.getKey(), g.id);
            RequestChecks.invalidIf(
                Ec2Constraints.ruleDescriptionProblem(nullToEmpty(e.getValue())));
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
          RegionState.Group g = RequestChecks.requireGroup(r, groupId, now);
          if (orEmpty(changes).isEmpty()) {
            throw Ec2Errors.missingParameter("SecurityGroupRule");
          }
          Map<String, ObservedRule> byId = new LinkedHashMap<>();
          g.rules.values().forEach(o -> byId.put(o.ruleId(), o));
          Map<RuleKey, ObservedRule> after = new LinkedHashMap<>(g.rules);
          Set<String> seen = new HashSet<>();
          List<ObservedRule> replaced = new ArrayList<>();
          for (RuleChange c : changes) {
            ObservedRule old = ruleOf(byId, c.ruleId(), g.id);
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
            RequestChecks.checkRule(r, g, rule, now);
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
          Map<String, String> adding = new LinkedHashMap<>();
          tags.forEach((k, v) -> adding.put(k, nullToEmpty(v)));
          adding.forEach((k, v) -> RequestChecks.invalidIf(Ec2Constraints.tagProblem(k, v)));
          List<Map<String, String>> targets = new ArrayList<>();
          for (String id : resourceIds) {
            Map<String, String> target = tagsOf(r, id, now);
            RequestChecks.mergedTags(id, target, adding);
            targets.add(target);
          }
          targets.forEach(target -> target.putAll(adding));
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
            RequestChecks.invalidIf(Ec2Constraints.tagKeyProblem(key));
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

  // ---------------------------------------------------------------- instances, interfaces, VPCs

  /**
   * DescribeInstances: instances by id (each must exist; not together with {@code maxResults}, as
   * EC2 refuses) that every filter matches, in pages.
   */
  public Page<InstanceEntry> describeInstances(String region, Query q) {
    return network.describeInstances(region, q);
  }

  /**
   * DescribeNetworkInterfaces: interfaces by id (each must exist) that every filter matches, in
   * pages. Every simulated interface belongs to an instance.
   */
  public Page<InterfaceEntry> describeNetworkInterfaces(String region, Query q) {
    return network.describeNetworkInterfaces(region, q);
  }

  /** DescribeVpcs: VPCs by id (each must exist) that every filter matches, in pages. */
  public Page<VpcEntry> describeVpcs(String region, Query q) {
    return network.describeVpcs(region, q);
  }

  /**
   * DescribeManagedPrefixLists: lists by id (each must exist) that every filter matches, in pages
   * of at most 100.
   */
  public Page<PrefixListEntry> describeManagedPrefixLists(String region, Query q) {
    return network.describeManagedPrefixLists(region, q);
  }

  // ---------------------------------------------------------------- shared

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  /** The tags of a group ({@code sg-}) or an instance ({@code i-}), which must exist. */
  private static Map<String, String> tagsOf(RegionState r, String id, long now) {
    if (id != null && id.startsWith("sg-")) {
      return RequestChecks.requireGroup(r, id, now).tags;
    }
    if (id != null && id.startsWith("i-")) {
      return RequestChecks.requireInstance(r, id).tags;
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

  /** The rule of a group that a request names by id: well formed, and the group's. */
  private static ObservedRule ruleOf(Map<String, ObservedRule> byId, String id, String groupId) {
    if (id == null || !Ec2Constraints.RULE_ID.matcher(id).matches()) {
      throw Ec2Errors.ruleIdMalformed(id);
    }
    ObservedRule o = byId.get(id);
    if (o == null) {
      throw Ec2Errors.ruleNotInGroup(id, groupId);
    }
    return o;
  }
}
