package dev.portcullis.cloud;

/**
 * The EC2 API actions Portcullis calls, and those the simulator's EC2 endpoint serves besides, each
 * with the request token bucket EC2 gives it. The simulator throttles by these buckets; {@link
 * RateLimitedCloud} paces the operator's calls a little under them.
 *
 * <p>EC2 throttles per account, per region and per API action with a token bucket: each request
 * takes one token, an empty bucket answers {@code RequestLimitExceeded}, and the bucket refills at
 * a fixed rate up to its maximum capacity. Sizes and rates below are EC2's published defaults (the
 * "Request token bucket sizes and refill rates" table of <em>Request throttling for the Amazon EC2
 * API</em>, Amazon EC2 Developer Guide):
 *
 * <table>
 *   <caption>Request token buckets</caption>
 *   <tr><th>Action</th><th>EC2 category</th><th>Capacity</th><th>Refill per second</th></tr>
 *   <tr><td>CreateSecurityGroup</td><td>mutating</td><td>50</td><td>5</td></tr>
 *   <tr><td>DeleteSecurityGroup</td><td>mutating</td><td>50</td><td>5</td></tr>
 *   <tr><td>AuthorizeSecurityGroupIngress</td><td>resource-intensive</td><td>50</td><td>5</td></tr>
 *   <tr><td>RevokeSecurityGroupIngress</td><td>resource-intensive</td><td>50</td><td>5</td></tr>
 *   <tr><td>AuthorizeSecurityGroupEgress</td><td>mutating</td><td>50</td><td>5</td></tr>
 *   <tr><td>RevokeSecurityGroupEgress</td><td>mutating</td><td>50</td><td>5</td></tr>
 *   <tr><td>UpdateSecurityGroupRuleDescriptionsIngress</td><td>mutating</td><td>50</td><td>5</td></tr>
 *   <tr><td>UpdateSecurityGroupRuleDescriptionsEgress</td><td>mutating</td><td>50</td><td>5</td></tr>
 *   <tr><td>CreateTags</td><td>uncategorized (own bucket)</td><td>100</td><td>10</td></tr>
 *   <tr><td>DeleteTags</td><td>uncategorized (own bucket)</td><td>100</td><td>10</td></tr>
 *   <tr><td>ModifyNetworkInterfaceAttribute</td><td>uncategorized (own bucket)</td><td>100</td>
 *       <td>5</td></tr>
 *   <tr><td>ModifyInstanceAttribute</td><td>uncategorized (own bucket)</td><td>100</td>
 *       <td>5</td></tr>
 *   <tr><td>ModifySecurityGroupRules</td><td>mutating</td><td>50</td><td>5</td></tr>
 *   <tr><td>DescribeSecurityGroups, DescribeSecurityGroupRules, DescribeInstances,
 *       DescribeNetworkInterfaces, DescribeManagedPrefixLists, DescribeVpcs</td>
 *       <td>non-mutating</td><td>100</td><td>20</td></tr>
 *   <tr><td>DescribeSecurityGroups and DescribeInstances with no filter and no pagination</td>
 *       <td>unfiltered and unpaginated non-mutating</td><td>50</td><td>10</td></tr>
 * </table>
 *
 * <p>A describe call counts as "unfiltered and unpaginated" when it names no ids, names, VPC or
 * tags, passes no {@code maxResults} and no {@code nextToken}; it then draws from a separate,
 * smaller bucket of the same action.
 */
public enum Ec2Action {
  CREATE_SECURITY_GROUP("CreateSecurityGroup", Category.MUTATING, 50, 5),
  DELETE_SECURITY_GROUP("DeleteSecurityGroup", Category.MUTATING, 50, 5),
  DESCRIBE_SECURITY_GROUPS("DescribeSecurityGroups", Category.NON_MUTATING, 100, 20),
  AUTHORIZE_SECURITY_GROUP_INGRESS(
      "AuthorizeSecurityGroupIngress", Category.RESOURCE_INTENSIVE, 50, 5),
  AUTHORIZE_SECURITY_GROUP_EGRESS("AuthorizeSecurityGroupEgress", Category.MUTATING, 50, 5),
  REVOKE_SECURITY_GROUP_INGRESS("RevokeSecurityGroupIngress", Category.RESOURCE_INTENSIVE, 50, 5),
  REVOKE_SECURITY_GROUP_EGRESS("RevokeSecurityGroupEgress", Category.MUTATING, 50, 5),
  UPDATE_SECURITY_GROUP_RULE_DESCRIPTIONS_INGRESS(
      "UpdateSecurityGroupRuleDescriptionsIngress", Category.MUTATING, 50, 5),
  UPDATE_SECURITY_GROUP_RULE_DESCRIPTIONS_EGRESS(
      "UpdateSecurityGroupRuleDescriptionsEgress", Category.MUTATING, 50, 5),
  CREATE_TAGS("CreateTags", Category.UNCATEGORIZED, 100, 10),
  DELETE_TAGS("DeleteTags", Category.UNCATEGORIZED, 100, 10),
  DESCRIBE_INSTANCES("DescribeInstances", Category.NON_MUTATING, 100, 20),
  MODIFY_NETWORK_INTERFACE_ATTRIBUTE(
      "ModifyNetworkInterfaceAttribute", Category.UNCATEGORIZED, 100, 5),
  MODIFY_INSTANCE_ATTRIBUTE("ModifyInstanceAttribute", Category.UNCATEGORIZED, 100, 5),
  DESCRIBE_NETWORK_INTERFACES("DescribeNetworkInterfaces", Category.NON_MUTATING, 100, 20),
  DESCRIBE_MANAGED_PREFIX_LISTS("DescribeManagedPrefixLists", Category.NON_MUTATING, 100, 20),
  DESCRIBE_SECURITY_GROUP_RULES("DescribeSecurityGroupRules", Category.NON_MUTATING, 100, 20),
  MODIFY_SECURITY_GROUP_RULES("ModifySecurityGroupRules", Category.MUTATING, 50, 5),
  DESCRIBE_VPCS("DescribeVpcs", Category.NON_MUTATING, 100, 20);

  /** EC2's throttling categories. */
  public enum Category {
    NON_MUTATING,
    UNFILTERED_UNPAGINATED_NON_MUTATING,
    MUTATING,
    RESOURCE_INTENSIVE,
    UNCATEGORIZED
  }

  /** The smaller bucket EC2 uses for describe calls without filter or pagination. */
  public static final int UNFILTERED_CAPACITY = 50;

  public static final double UNFILTERED_REFILL_PER_SECOND = 10;

  private final String apiName;
  private final Category category;
  private final int capacity;
  private final double refillPerSecond;

  Ec2Action(String apiName, Category category, int capacity, double refillPerSecond) {
    this.apiName = apiName;
    this.category = category;
    this.capacity = capacity;
    this.refillPerSecond = refillPerSecond;
  }

  /** The action's name in the EC2 API, such as {@code AuthorizeSecurityGroupIngress}. */
  public String apiName() {
    return apiName;
  }

  public Category category() {
    return category;
  }

  /** The bucket's maximum capacity, in requests. */
  public int capacity() {
    return capacity;
  }

  /** Tokens added back per second, up to the capacity. */
  public double refillPerSecond() {
    return refillPerSecond;
  }

  /** Whether an unfiltered, unpaginated call draws from EC2's smaller describe bucket. */
  public boolean hasUnfilteredBucket() {
    return this == DESCRIBE_SECURITY_GROUPS || this == DESCRIBE_INSTANCES;
  }

  @Override
  public String toString() {
    return apiName;
  }
}
