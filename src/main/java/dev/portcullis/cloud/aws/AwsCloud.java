package dev.portcullis.cloud.aws;

import dev.portcullis.cloud.CallCounters;
import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.CloudPort;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.InstanceFilter;
import dev.portcullis.cloud.InstanceInfo;
import dev.portcullis.cloud.NetworkInterfaceInfo;
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
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.RuleCounts;
import dev.portcullis.engine.RuleKey;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.Ec2ClientBuilder;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.DescribeManagedPrefixListsResponse;
import software.amazon.awssdk.services.ec2.model.DescribeNetworkInterfacesResponse;
import software.amazon.awssdk.services.ec2.model.DescribeSecurityGroupRulesResponse;
import software.amazon.awssdk.services.ec2.model.DescribeSecurityGroupsResponse;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterface;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.Ipv6Range;
import software.amazon.awssdk.services.ec2.model.ManagedPrefixList;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.PrefixListId;
import software.amazon.awssdk.services.ec2.model.Reservation;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.UserIdGroupPair;

/**
 * The cloud port on AWS EC2, through the AWS SDK for Java v2.
 *
 * <p>One {@link Ec2Client} per region, made on first use and kept. Credentials come from the SDK's
 * default chain (environment, system properties, web identity, profile, container and instance
 * roles) unless a provider is given. An endpoint override sends every region's requests to one
 * address, for an EC2-compatible server such as moto in the tests.
 *
 * <p>Retries: the SDK's standard retry mode, bounded to {@link #DEFAULT_MAX_ATTEMPTS} attempts per
 * request unless told otherwise. It retries what it knows to be passing (RequestLimitExceeded and
 * the other throttling codes, 5xx answers, no answer) with exponential backoff and full jitter, and
 * its retry quota stops retrying when most requests fail. What still fails reaches the caller as a
 * {@link CloudException}; errors that a retry cannot fix (UnauthorizedOperation,
 * InvalidParameterValue, quotas) reach it after one request.
 */
public final class AwsCloud implements CloudPort, AutoCloseable {
  private static final int RULES_PAGE = 1000;

  /** Attempts per request, the first included, unless a constructor says otherwise. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  private final URI endpoint;
  private final Supplier<AwsCredentialsProvider> credentials;
  private final Map<String, Ec2Client> clients = new ConcurrentHashMap<>();
  private final CallCounters calls = new CallCounters();
  private final int maxAttempts;

  /** The HTTP client of every region's EC2 client, or null for the SDK's default (Apache's). */
  private final SdkHttpClient http;

  /** AWS with the default credentials chain; {@code endpoint} null means EC2's own endpoints. */
  public AwsCloud(URI endpoint) {
    this(endpoint, null);
  }

  /**
   * @param endpoint where to send requests instead of EC2's regional endpoints, or null
   * @param credentials the credentials, or null for the SDK's default chain
   */
  public AwsCloud(URI endpoint, AwsCredentialsProvider credentials) {
    this(endpoint, credentials, DEFAULT_MAX_ATTEMPTS);
  }

  /**
   * @param endpoint where to send requests instead of EC2's regional endpoints, or null
   * @param credentials the credentials, or null for the SDK's default chain
   * @param maxAttempts attempts per request in the SDK's standard retry mode, the first included
   *     (1: no retry)
   */
  public AwsCloud(URI endpoint, AwsCredentialsProvider credentials, int maxAttempts) {
    this(endpoint, credentials, maxAttempts, null);
  }

  private AwsCloud(
      URI endpoint, AwsCredentialsProvider credentials, int maxAttempts, SdkHttpClient http) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
    }
    this.maxAttempts = maxAttempts;
    this.endpoint = endpoint;
    this.credentials =
        credentials == null
            ? () -> DefaultCredentialsProvider.builder().build()
            : () -> credentials;
    this.http = http;
  }

  /** The endpoint override, or null. */
  public URI endpoint() {
    return endpoint;
  }

  /**
   * Every request sent to EC2 so far, by operation and outcome, in every region. One port call can
   * make several requests (a group describe also describes the groups' rules, page by page).
   */
  public CallCounters calls() {
    return calls;
  }

  /**
   * Builds the region's client ahead of its first request, sending none: the SDK's classes loaded
   * and its HTTP client made, which takes a second or more of a cold JVM. A replica standing by
   * does so for the regions it knows, so that its first calls after it takes over do not wait.
   */
  public void prepare(String region) {
    client(region);
  }

  /**
   * Takes the SDK's first-request cost now instead of in the first reconciliation: a throwaway
   * cloud, built as this one is (endpoint, retries) but signing with made-up credentials and
   * answered from memory ({@link CannedEc2Http}), describes, creates, authorizes and reads rule ids
   * once. That loads and links the client's classes, its endpoint rules, signer, marshallers and
   * unmarshallers. Nothing leaves the process, and this cloud's call counters do not move.
   *
   * @return how many requests the throwaway cloud sent
   */
  public int warmUp() {
    CannedEc2Http canned = new CannedEc2Http();
    AwsCredentialsProvider made =
        StaticCredentialsProvider.create(AwsBasicCredentials.create("warm-up", "warm-up"));
    try (AwsCloud cloud = new AwsCloud(endpoint, made, 1, canned)) {
      String region = "us-east-1";
      cloud.describeSecurityGroups(region, GroupFilter.tags(Map.of("k", "v")), null, null);
      String id =
          cloud
              .createSecurityGroup(region, "vpc-00000001", "warm-up", "warm-up", Map.of("k", "v"))
              .groupId();
      cloud.authorize(
          region,
          id,
          Direction.INGRESS,
          List.of(
              new Rule(Direction.INGRESS, Protocol.TCP, 22, 22, new Cidr4(0xc0000200, 24), "ssh")));
    }
    return canned.answered();
  }

  Ec2Client client(String region) {
    if (region == null || region.isBlank()) {
      throw new IllegalArgumentException("region is empty");
    }
    return clients.computeIfAbsent(region, this::newClient);
  }

  private Ec2Client newClient(String region) {
    Ec2ClientBuilder b =
        Ec2Client.builder()
            .region(Region.of(region))
            .credentialsProvider(credentials.get())
            .overrideConfiguration(
                o ->
                    o.retryStrategy(
                            AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(maxAttempts)
                                .build())
                        .addExecutionInterceptor(new CountingInterceptor(calls)));
    if (endpoint != null) {
      b.endpointOverride(endpoint);
    }
    if (http != null) {
      b.httpClient(http);
    }
    return b.build();
  }

  @Override
  public void close() {
    clients.values().forEach(Ec2Client::close);
    clients.clear();
  }

  // ---- groups

  @Override
  public SecurityGroupInfo createSecurityGroup(
      String region, String vpcId, String groupName, String description, Map<String, String> tags) {
    String id =
        call(
            () ->
                client(region)
                    .createSecurityGroup(
                        r -> {
                          r.vpcId(vpcId).groupName(groupName).description(description);
                          if (tags != null && !tags.isEmpty()) {
                            r.tagSpecifications(
                                TagSpecification.builder()
                                    .resourceType(ResourceType.SECURITY_GROUP)
                                    .tags(toTags(tags))
                                    .build());
                          }
                        })
                    .groupId());
    // The group as EC2 creates it; its default egress rule's id is only known from a describe,
    // which may not see the group yet (eventual consistency).
    return new SecurityGroupInfo(
        id,
        groupName,
        description,
        vpcId,
        tags == null ? Map.of() : tags,
        List.of(new ObservedRule(null, Rule.DEFAULT_EGRESS)));
  }

  @Override
  public Page<SecurityGroupInfo> describeSecurityGroups(
      String region, GroupFilter filter, String nextToken, Integer maxResults) {
    DescribeSecurityGroupsResponse resp =
        call(
            () ->
                client(region)
                    .describeSecurityGroups(
                        r -> {
                          if (!filter.groupIds().isEmpty()) {
                            r.groupIds(filter.groupIds());
                          }
                          r.filters(groupFilters(filter));
                          r.nextToken(nextToken).maxResults(maxResults);
                        }));
    Map<String, Map<RuleKey, String>> ids =
        filter.ruleIds()
            ? ruleIds(region, resp.securityGroups().stream().map(SecurityGroup::groupId).toList())
            : Map.of();
    List<SecurityGroupInfo> items = new ArrayList<>();
    for (SecurityGroup g : resp.securityGroups()) {
      Map<RuleKey, String> groupIds = ids.getOrDefault(g.groupId(), Map.of());
      List<ObservedRule> rules = new ArrayList<>();
      for (Rule r : rulesOf(g)) {
        rules.add(new ObservedRule(groupIds.get(r.key()), r));
      }
      items.add(
          new SecurityGroupInfo(
              g.groupId(), g.groupName(), g.description(), g.vpcId(), fromTags(g.tags()), rules));
    }
    return new Page<>(items, emptyToNull(resp.nextToken()));
  }

  private static List<Filter> groupFilters(GroupFilter filter) {
    List<Filter> out = new ArrayList<>();
    if (!filter.groupNames().isEmpty()) {
      out.add(Filter.builder().name("group-name").values(filter.groupNames()).build());
    }
    if (filter.vpcId() != null) {
      out.add(Filter.builder().name("vpc-id").values(filter.vpcId()).build());
    }
    filter.tags().forEach((k, v) -> out.add(Filter.builder().name("tag:" + k).values(v).build()));
    return out;
  }

  /**
   * The {@code sgr-} ids of the groups' rules, by group and rule: DescribeSecurityGroups answers
   * with permissions that carry no ids, DescribeSecurityGroupRules with one id per atomic rule.
   */
  private Map<String, Map<RuleKey, String>> ruleIds(String region, List<String> groupIds) {
    Map<String, Map<RuleKey, String>> out = new HashMap<>();
    // EC2 takes at most 200 values per filter.
    for (int from = 0; from < groupIds.size(); from += 200) {
      List<String> chunk = groupIds.subList(from, Math.min(groupIds.size(), from + 200));
      String token = null;
      do {
        String t = token;
        DescribeSecurityGroupRulesResponse resp =
            call(
                () ->
                    client(region)
                        .describeSecurityGroupRules(
                            r ->
                                r.filters(Filter.builder().name("group-id").values(chunk).build())
                                    .maxResults(RULES_PAGE)
                                    .nextToken(t)));
        for (SecurityGroupRule sgr : resp.securityGroupRules()) {
          Rule rule = toRule(sgr);
          if (rule != null) {
            out.computeIfAbsent(sgr.groupId(), k -> new HashMap<>())
                .put(rule.key(), sgr.securityGroupRuleId());
          }
        }
        token = emptyToNull(resp.nextToken());
      } while (token != null);
    }
    return out;
  }

  @Override
  public void deleteSecurityGroup(String region, String groupId) {
    call(() -> client(region).deleteSecurityGroup(r -> r.groupId(groupId)));
  }

  @Override
  public void createTags(String region, String resourceId, Map<String, String> tags) {
    call(() -> client(region).createTags(r -> r.resources(resourceId).tags(toTags(tags))));
  }

  @Override
  public void deleteTags(String region, String resourceId, Map<String, String> tags) {
    if (tags == null || tags.isEmpty()) {
      throw new IllegalArgumentException(
          "deleteTags needs at least one key: EC2 would delete every tag of " + resourceId);
    }
    List<Tag> named = new ArrayList<>();
    tags.forEach((k, v) -> named.add(Tag.builder().key(k).value(v).build()));
    call(() -> client(region).deleteTags(r -> r.resources(resourceId).tags(named)));
  }

  // ---- rules

  @Override
  public List<String> authorize(
      String region, String groupId, Direction direction, List<Rule> rules) {
    List<IpPermission> perms = toPermissions(direction, rules);
    List<SecurityGroupRule> created =
        call(
            () ->
                direction == Direction.INGRESS
                    ? client(region)
                        .authorizeSecurityGroupIngress(r -> r.groupId(groupId).ipPermissions(perms))
                        .securityGroupRules()
                    : client(region)
                        .authorizeSecurityGroupEgress(r -> r.groupId(groupId).ipPermissions(perms))
                        .securityGroupRules());
    Map<RuleKey, String> byKey = new HashMap<>();
    for (SecurityGroupRule sgr : created) {
      Rule r = toRule(sgr);
      if (r != null) {
        byKey.put(r.key(), sgr.securityGroupRuleId());
      }
    }
    if (!rules.stream().allMatch(r -> byKey.containsKey(r.key()))) {
      // EC2 answers every rule it added; a server that answers fewer (moto answers only the last
      // permission's) costs one describe of the group's rules. The rules are in place whatever
      // that describe answers: a failure of it must not report the authorization as failed, or a
      // caller would retry it into InvalidPermission.Duplicate.
      try {
        byKey.putAll(ruleIds(region, List.of(groupId)).getOrDefault(groupId, Map.of()));
      } catch (CloudException idsUnknown) {
        // the ids it could not learn are left out of the answer
      }
    }
    List<String> ids = new ArrayList<>();
    for (Rule r : rules) {
      String id = byKey.get(r.key());
      if (id != null) {
        ids.add(id);
      }
    }
    return ids;
  }

  @Override
  public void revoke(String region, String groupId, Direction direction, List<Rule> rules) {
    List<IpPermission> perms = toPermissions(direction, rules);
    call(
        () ->
            direction == Direction.INGRESS
                ? client(region)
                    .revokeSecurityGroupIngress(r -> r.groupId(groupId).ipPermissions(perms))
                : client(region)
                    .revokeSecurityGroupEgress(r -> r.groupId(groupId).ipPermissions(perms)));
  }

  @Override
  public void updateRuleDescriptions(
      String region, String groupId, Direction direction, List<Rule> rules) {
    List<IpPermission> perms = toPermissions(direction, rules);
    call(
        () ->
            direction == Direction.INGRESS
                ? client(region)
                    .updateSecurityGroupRuleDescriptionsIngress(
                        r -> r.groupId(groupId).ipPermissions(perms))
                : client(region)
                    .updateSecurityGroupRuleDescriptionsEgress(
                        r -> r.groupId(groupId).ipPermissions(perms)));
  }

  // ---- prefix lists

  @Override
  public Map<String, RuleCounts.PrefixListSize> describePrefixListSizes(
      String region, Collection<String> ids) {
    if (ids == null || ids.isEmpty()) {
      throw new IllegalArgumentException("describePrefixListSizes needs at least one id");
    }
    List<String> wanted = List.copyOf(new TreeSet<>(ids));
    Map<String, RuleCounts.PrefixListSize> out = new TreeMap<>();
    String token = null;
    do {
      String t = token;
      DescribeManagedPrefixListsResponse resp =
          call(
              () ->
                  client(region)
                      .describeManagedPrefixLists(r -> r.prefixListIds(wanted).nextToken(t)));
      for (ManagedPrefixList pl : resp.prefixLists()) {
        // EC2 reports the maximum of every list it lets a rule reference; a list without one
        // counts as a single rule.
        int max = pl.maxEntries() == null ? 1 : pl.maxEntries();
        RuleCounts.PrefixListSize.Family family =
            "IPv6".equalsIgnoreCase(pl.addressFamily())
                ? RuleCounts.PrefixListSize.Family.IPV6
                : RuleCounts.PrefixListSize.Family.IPV4;
        out.put(pl.prefixListId(), new RuleCounts.PrefixListSize(max, family));
      }
      token = emptyToNull(resp.nextToken());
    } while (token != null);
    for (String id : wanted) {
      if (!out.containsKey(id)) {
        // EC2 answers an unknown id with this error; a server that leaves it out says the same
        throw new CloudException(
            "InvalidPrefixListID.NotFound",
            CloudException.Kind.NOT_FOUND,
            "The prefix list ID '" + id + "' does not exist");
      }
    }
    return out;
  }

  // ---- instances

  @Override
  public Page<InstanceInfo> describeInstances(
      String region, InstanceFilter filter, String nextToken, Integer maxResults) {
    List<Filter> filters = new ArrayList<>();
    filter
        .tags()
        .forEach((k, v) -> filters.add(Filter.builder().name("tag:" + k).values(v).build()));
    DescribeInstancesResponse resp =
        call(
            () ->
                client(region)
                    .describeInstances(
                        r -> {
                          if (!filter.instanceIds().isEmpty()) {
                            r.instanceIds(filter.instanceIds());
                          }
                          r.filters(filters).nextToken(nextToken).maxResults(maxResults);
                        }));
    List<InstanceInfo> items = new ArrayList<>();
    for (Reservation res : resp.reservations()) {
      for (Instance i : res.instances()) {
        items.add(toInstance(i));
      }
    }
    return new Page<>(items, emptyToNull(resp.nextToken()));
  }

  private static InstanceInfo toInstance(Instance i) {
    List<InstanceInfo.InterfaceInfo> nics = new ArrayList<>();
    for (InstanceNetworkInterface n : i.networkInterfaces()) {
      nics.add(
          new InstanceInfo.InterfaceInfo(
              n.networkInterfaceId(),
              n.attachment() == null || n.attachment().deviceIndex() == null
                  ? 0
                  : n.attachment().deviceIndex(),
              n.privateIpAddress(),
              n.association() == null ? null : n.association().publicIp(),
              n.ipv6Addresses().isEmpty() ? null : n.ipv6Addresses().get(0).ipv6Address(),
              n.groups().stream().map(g -> g.groupId()).toList()));
    }
    nics.sort((a, b) -> Integer.compare(a.deviceIndex(), b.deviceIndex()));
    return new InstanceInfo(i.instanceId(), i.vpcId(), fromTags(i.tags()), nics);
  }

  @Override
  public Page<NetworkInterfaceInfo> describeNetworkInterfaces(
      String region, String groupId, String nextToken, Integer maxResults) {
    // Without a value the filter would be left out, and every interface of the region described.
    Objects.requireNonNull(groupId, "groupId");
    DescribeNetworkInterfacesResponse resp =
        call(
            () ->
                client(region)
                    .describeNetworkInterfaces(
                        r ->
                            r.filters(Filter.builder().name("group-id").values(groupId).build())
                                .nextToken(nextToken)
                                .maxResults(maxResults)));
    List<NetworkInterfaceInfo> items = new ArrayList<>();
    for (NetworkInterface n : resp.networkInterfaces()) {
      items.add(
          new NetworkInterfaceInfo(
              n.networkInterfaceId(),
              n.attachment() == null ? null : n.attachment().instanceId(),
              n.interfaceTypeAsString(),
              n.description(),
              n.groups().stream().map(g -> g.groupId()).toList()));
    }
    return new Page<>(items, emptyToNull(resp.nextToken()));
  }

  @Override
  public void setInterfaceGroups(String region, String interfaceId, List<String> groupIds) {
    call(
        () ->
            client(region)
                .modifyNetworkInterfaceAttribute(
                    r -> r.networkInterfaceId(interfaceId).groups(groupIds)));
  }

  @Override
  public void setInstanceGroups(String region, String instanceId, List<String> groupIds) {
    call(
        () ->
            client(region).modifyInstanceAttribute(r -> r.instanceId(instanceId).groups(groupIds)));
  }

  // ---- conversions

  /**
   * Rules of one direction as EC2 permissions: one permission per protocol and port range, holding
   * every peer of the rules that share them, each peer with its rule's description.
   */
  static List<IpPermission> toPermissions(Direction direction, List<Rule> rules) {
    Map<List<Integer>, List<Rule>> byPorts = new LinkedHashMap<>();
    for (Rule r : rules) {
      if (r.direction() != direction) {
        throw new IllegalArgumentException(
            "rule \"" + r.display() + "\" sent in a " + direction.word() + " call");
      }
      if (!r.peer().isResolved()) {
        throw new IllegalArgumentException(
            "rule \"" + r.display() + "\" has an unresolved peer: resolve it to a group id first");
      }
      byPorts
          .computeIfAbsent(
              List.of(r.protocol().number(), r.fromPort(), r.toPort()), k -> new ArrayList<>())
          .add(r);
    }
    List<IpPermission> out = new ArrayList<>();
    for (List<Rule> same : byPorts.values()) {
      Rule first = same.get(0);
      IpPermission.Builder p = IpPermission.builder().ipProtocol(first.protocol().ec2Name());
      if (first.protocol().hasPorts() || first.protocol().isIcmp()) {
        p.fromPort(first.fromPort()).toPort(first.toPort());
      }
      List<IpRange> v4 = new ArrayList<>();
      List<Ipv6Range> v6 = new ArrayList<>();
      List<UserIdGroupPair> groups = new ArrayList<>();
      List<PrefixListId> lists = new ArrayList<>();
      for (Rule r : same) {
        String d = r.description().isEmpty() ? null : r.description();
        Peer peer = r.peer();
        if (peer instanceof Cidr4 c) {
          v4.add(IpRange.builder().cidrIp(c.display()).description(d).build());
        } else if (peer instanceof Cidr6 c) {
          v6.add(Ipv6Range.builder().cidrIpv6(c.display()).description(d).build());
        } else if (peer instanceof GroupPeer g) {
          groups.add(UserIdGroupPair.builder().groupId(g.groupId()).description(d).build());
        } else if (peer instanceof PrefixListPeer pl) {
          lists.add(PrefixListId.builder().prefixListId(pl.prefixListId()).description(d).build());
        }
      }
      if (!v4.isEmpty()) {
        p.ipRanges(v4);
      }
      if (!v6.isEmpty()) {
        p.ipv6Ranges(v6);
      }
      if (!groups.isEmpty()) {
        p.userIdGroupPairs(groups);
      }
      if (!lists.isEmpty()) {
        p.prefixListIds(lists);
      }
      out.add(p.build());
    }
    return out;
  }

  /** A group's rules, both directions, one atomic rule per peer of each permission. */
  static List<Rule> rulesOf(SecurityGroup g) {
    List<Rule> out = new ArrayList<>();
    for (IpPermission p : g.ipPermissions()) {
      out.addAll(fromPermission(Direction.INGRESS, p));
    }
    for (IpPermission p : g.ipPermissionsEgress()) {
      out.addAll(fromPermission(Direction.EGRESS, p));
    }
    return Canonicalizer.normalize(out);
  }

  static List<Rule> fromPermission(Direction d, IpPermission p) {
    List<Rule> out = new ArrayList<>();
    String proto = p.ipProtocol();
    for (IpRange r : p.ipRanges()) {
      out.add(
          Canonicalizer.fromEc2(
              d, proto, p.fromPort(), p.toPort(), cidr(r.cidrIp()), r.description()));
    }
    for (Ipv6Range r : p.ipv6Ranges()) {
      out.add(
          Canonicalizer.fromEc2(
              d, proto, p.fromPort(), p.toPort(), cidr(r.cidrIpv6()), r.description()));
    }
    for (UserIdGroupPair u : p.userIdGroupPairs()) {
      out.add(
          Canonicalizer.fromEc2(
              d, proto, p.fromPort(), p.toPort(), new GroupPeer(u.groupId()), u.description()));
    }
    for (PrefixListId l : p.prefixListIds()) {
      out.add(
          Canonicalizer.fromEc2(
              d,
              proto,
              p.fromPort(),
              p.toPort(),
              new PrefixListPeer(l.prefixListId()),
              l.description()));
    }
    return out;
  }

  /** One rule as DescribeSecurityGroupRules or an authorize call answers it; null if unknown. */
  static Rule toRule(SecurityGroupRule r) {
    Peer peer;
    if (r.cidrIpv4() != null) {
      peer = cidr(r.cidrIpv4());
    } else if (r.cidrIpv6() != null) {
      peer = cidr(r.cidrIpv6());
    } else if (r.referencedGroupInfo() != null && r.referencedGroupInfo().groupId() != null) {
      peer = new GroupPeer(r.referencedGroupInfo().groupId());
    } else if (r.prefixListId() != null) {
      peer = new PrefixListPeer(r.prefixListId());
    } else {
      return null;
    }
    Direction d = Boolean.TRUE.equals(r.isEgress()) ? Direction.EGRESS : Direction.INGRESS;
    return Canonicalizer.fromEc2(
        d, r.ipProtocol(), r.fromPort(), r.toPort(), peer, r.description());
  }

  private static Peer cidr(String text) {
    Ip.CidrParse c = Ip.parseCidr(text);
    if (!c.ok()) {
      throw new CloudException(
          "UnreadableResponse", CloudException.Kind.TRANSIENT, "EC2 answered a bad CIDR " + text);
    }
    return c.cidr();
  }

  private static List<Tag> toTags(Map<String, String> tags) {
    List<Tag> out = new ArrayList<>();
    tags.forEach((k, v) -> out.add(Tag.builder().key(k).value(v).build()));
    return out;
  }

  private static Map<String, String> fromTags(List<Tag> tags) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Tag t : tags) {
      out.put(t.key(), t.value() == null ? "" : t.value());
    }
    return out;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  // ---- errors

  private static <T> T call(Supplier<T> action) {
    try {
      return action.get();
    } catch (Ec2Exception e) {
      throw translate(e);
    } catch (SdkClientException e) {
      // No answer from EC2 (connection refused or reset, timeout): worth another try.
      throw new CloudException("ClientError", CloudException.Kind.TRANSIENT, e.getMessage());
    }
  }

  static CloudException translate(Ec2Exception e) {
    String code =
        e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
            ? "HTTP" + e.statusCode()
            : e.awsErrorDetails().errorCode();
    String message =
        e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null
            ? e.getMessage()
            : e.awsErrorDetails().errorMessage();
    CloudException out = new CloudException(code, kind(code, e.statusCode()), message);
    out.initCause(e);
    return out;
  }

  /** How a caller should treat an EC2 error code (EC2 API reference, "Error codes"). */
  static CloudException.Kind kind(String code, int status) {
    if (code.equals("RequestLimitExceeded")
        || code.equals("Throttling")
        || code.equals("ThrottlingException")
        || code.equals("RequestThrottled")) {
      return CloudException.Kind.THROTTLED;
    }
    if (code.endsWith(".NotFound") || code.endsWith("NotFound")) {
      return CloudException.Kind.NOT_FOUND;
    }
    if (code.endsWith(".Duplicate") || code.equals("DependencyViolation")) {
      return CloudException.Kind.CONFLICT;
    }
    if (code.equals("UnauthorizedOperation")
        || code.equals("AuthFailure")
        || code.equals("OptInRequired")
        || code.equals("Blocked")) {
      return CloudException.Kind.UNAUTHORIZED;
    }
    if (status >= 500
        || code.equals("InternalError")
        || code.equals("ServiceUnavailable")
        || code.equals("Unavailable")) {
      return CloudException.Kind.TRANSIENT;
    }
    // InvalidParameterValue, MissingParameter, *.Malformed, the *LimitExceeded quotas...
    return CloudException.Kind.INVALID;
  }
}
