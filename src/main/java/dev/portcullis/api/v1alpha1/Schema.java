package dev.portcullis.api.v1alpha1;

/**
 * Patterns, bounds and CEL expressions shared by the custom-resource types. Annotation values must
 * be compile-time constants, so they live here rather than being computed.
 *
 * <p>Patterns are evaluated by the API server with Go's RE2 syntax: no look-arounds, no
 * back-references. Each one is also a valid {@link java.util.regex.Pattern} with the same meaning,
 * which is how the tests check them.
 *
 * <p>No spec field has an OpenAPI {@code pattern}: the API server's rejection of one quotes the
 * pattern ({@code should match '^((0|[1-9][0-9]{0,4})...'}), which tells a user nothing, and it
 * reports that next to any CEL rule of the same field, so a rule cannot stand in for its message.
 * Each pattern is a CEL rule instead, {@code self.matches(r'...')} (or {@code self.all(x,
 * x.matches(r'...'))} on a list of strings), whose message says in words what the field takes.
 * {@link SchemaValidator} evaluates rules of these two shapes too, so the offline command gives the
 * same words. The patterns hold no quote, so a CEL raw string ({@code r'...'}) holds them as they
 * are. On a list, the API server reports the list rather than the item, so those rules also have a
 * {@code messageExpression} that names the first item refused; the offline command, which evaluates
 * no expression, names the list and gives the fixed message.
 */
final class Schema {
  private Schema() {}

  /** An AWS region such as {@code us-east-1} or {@code us-gov-west-1}. */
  static final String REGION = "^[a-z]{2}(-[a-z]+)+-[1-9][0-9]?$";

  static final String REGION_RULE = "self.matches(r'" + REGION + "')";
  static final String REGION_MESSAGE =
      "region must be an AWS region such as eu-west-1 or us-gov-west-1: lower case, no zone"
          + " letter";

  static final int REGION_MAX = 32;

  static final String VPC_ID = "^vpc-([0-9a-f]{8}|[0-9a-f]{17})$";

  static final String VPC_ID_RULE = "self.matches(r'" + VPC_ID + "')";
  static final String VPC_ID_MESSAGE =
      "vpcId must be vpc- followed by 8 or 17 lower-case hex digits, such as"
          + " vpc-0a1b2c3d4e5f67890";

  static final String GROUP_ID = "^sg-([0-9a-f]{8}|[0-9a-f]{17})$";

  static final String GROUP_ID_RULE = "self.matches(r'" + GROUP_ID + "')";
  static final String GROUP_IDS_RULE = "self.all(id, id.matches(r'" + GROUP_ID + "'))";

  /** Follows the field's name: {@code "adoptGroupId" + IS_A_GROUP_ID}. */
  static final String IS_A_GROUP_ID =
      " must be a security group id: sg- followed by 8 or 17 lower-case hex digits, such as"
          + " sg-0a1b2c3d";

  static final String GROUP_IDS_MESSAGE = "each of securityGroupIds" + IS_A_GROUP_ID;
  static final String GROUP_IDS_MESSAGE_EXPRESSION =
      "'\"' + self.filter(id, !id.matches(r'"
          + GROUP_ID
          + "'))[0] + '\" in securityGroupIds"
          + IS_A_GROUP_ID
          + "'";

  static final String PREFIX_LIST_ID = "^pl-([0-9a-f]{8}|[0-9a-f]{17})$";

  static final String PREFIX_LIST_ID_RULE = "self.matches(r'" + PREFIX_LIST_ID + "')";
  static final String PREFIX_LIST_ID_MESSAGE =
      "prefixListId must be a managed prefix list id: pl- followed by 8 or 17 lower-case hex"
          + " digits, such as pl-0a1b2c3d";

  static final String INSTANCE_ID = "^i-([0-9a-f]{8}|[0-9a-f]{17})$";

  static final String INSTANCE_ID_RULE = "self.matches(r'" + INSTANCE_ID + "')";
  static final String INSTANCE_IDS_RULE = "self.all(id, id.matches(r'" + INSTANCE_ID + "'))";

  /** Follows the field's name: {@code "instanceId" + IS_AN_INSTANCE_ID}. */
  static final String IS_AN_INSTANCE_ID =
      " must be an instance id: i- followed by 8 or 17 lower-case hex digits, such as"
          + " i-0123456789abcdef0";

  static final String INSTANCE_IDS_MESSAGE = "each of ids" + IS_AN_INSTANCE_ID;
  static final String INSTANCE_IDS_MESSAGE_EXPRESSION =
      "'\"' + self.filter(id, !id.matches(r'"
          + INSTANCE_ID
          + "'))[0] + '\" in ids"
          + IS_AN_INSTANCE_ID
          + "'";

  /** Long enough for every EC2 id above ({@code vpc-} and 17 hex digits is 21). */
  static final int ID_MAX = 24;

  /**
   * The characters EC2 accepts in a VPC security group's name and description and in a rule's
   * description: letters, digits, spaces and {@code ._-:/()#,@[]+=&;{}!$*}.
   */
  static final String EC2_TEXT = "^[a-zA-Z0-9 ._:/()#,@\\[\\]+=&;{}!$*-]*$";

  static final String EC2_TEXT_RULE = "self.matches(r'" + EC2_TEXT + "')";

  /** Follows the field's name: {@code "description" + EC2_TEXT_ONLY}. */
  static final String EC2_TEXT_ONLY =
      " may hold only the characters EC2 accepts: letters a-z and A-Z, digits, spaces and"
          + " ._-:/()#,@[]+=&;{}!$*";

  static final int EC2_TEXT_MAX = 255;

  /** A Kubernetes object name (DNS-1123 subdomain), for references to other custom resources. */
  static final String OBJECT_NAME =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  static final String OBJECT_NAME_RULE = "self.matches(r'" + OBJECT_NAME + "')";
  static final String OBJECT_NAMES_RULE = "self.all(n, n.matches(r'" + OBJECT_NAME + "'))";
  private static final String A_NAME_HERE =
      " a SecurityGroup in this namespace (lower-case letters, digits, - and .); attach a group"
          + " managed elsewhere by its sg- id, in securityGroupIds";
  static final String OBJECT_NAMES_MESSAGE = "securityGroups must each name" + A_NAME_HERE;
  static final String OBJECT_NAMES_MESSAGE_EXPRESSION =
      "'\"' + self.filter(n, !n.matches(r'"
          + OBJECT_NAME
          + "'))[0] + '\" in securityGroups is not the name of"
          + A_NAME_HERE
          + "'";

  /**
   * Follows the field's name: {@code "securityGroup" + IS_AN_OBJECT_NAME}. A reference such as
   * {@code other-namespace/web} is the likely mistake, so the message says where such a group goes.
   */
  static final String IS_AN_OBJECT_NAME =
      " must be the name of a SecurityGroup in this namespace (lower-case letters, digits, - and"
          + " .); a reference cannot name another namespace: name a group managed elsewhere by its"
          + " sg- id";

  static final int OBJECT_NAME_MAX = 253;

  /**
   * Rule protocols: the five names, {@code -1} (same as {@code all}) and the numbers 0-255 without
   * leading zeros. Lower case only, as EC2 spells them, so that CEL rules can compare strings.
   */
  static final String RULE_PROTOCOL =
      "^(tcp|udp|icmp|icmpv6|all|-1|25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$";

  static final String RULE_PROTOCOL_RULE = "self.matches(r'" + RULE_PROTOCOL + "')";
  static final String RULE_PROTOCOL_MESSAGE =
      "protocol must be tcp, udp, icmp, icmpv6, all (or -1, the same) or a protocol number from 0"
          + " to 255, in lower case";

  /** A flow has one concrete protocol: the rule protocols but {@code all} and {@code -1}. */
  static final String FLOW_PROTOCOL =
      "^(tcp|udp|icmp|icmpv6|25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$";

  static final String FLOW_PROTOCOL_RULE = "self.matches(r'" + FLOW_PROTOCOL + "')";
  static final String FLOW_PROTOCOL_MESSAGE =
      "protocol must be tcp, udp, icmp, icmpv6 or a protocol number from 0 to 255, in lower case;"
          + " not all or -1: a connection has one protocol";

  /**
   * A port ({@code 443}), a range ({@code 8000-8080}) or one of the names of {@link
   * dev.portcullis.engine.NamedPorts}; {@code CrdSchemaValidationTest} keeps the two lists equal.
   * Numbers are checked against 65535 and ranges for their order by CEL.
   */
  static final String PORT =
      "^((0|[1-9][0-9]{0,4})(-(0|[1-9][0-9]{0,4}))?"
          + "|ssh|sftp|ftp|http|https|rdp|ftp-data|telnet|smtp|dns|pop3|imap|ldap|smtps"
          + "|submission|ldaps|imaps|pop3s|mssql|oracle|nfs|mysql|postgres|postgresql|winrm"
          + "|winrm-https|redis|http-alt|https-alt|memcached|mongodb|kube-apiserver|etcd|kafka"
          + "|elasticsearch|prometheus)$";

  static final String PORTS_RULE = "self.all(p, p.matches(r'" + PORT + "'))";
  static final String PORTS_MESSAGE =
      "each port must be a number from 0 to 65535 (443), a range of two numbers (8000-8080) or a"
          + " port name such as ssh, http or https; 0-65535 is every port";

  /**
   * Names the first item the pattern refuses: on a list, the API server reports the list, not the
   * item ({@code spec.ingress[0].ports}), so the message says which one.
   */
  static final String PORTS_MESSAGE_EXPRESSION =
      "'\"' + self.filter(p, !p.matches(r'"
          + PORT
          + "'))[0] + '\" is not a port; "
          + PORTS_MESSAGE
          + "'";

  static final int PORT_MAX_LENGTH = 16;

  /** {@code isCIDR} parses the block: a pattern of its shape would only say the same less well. */
  static final String CIDR_RULE = "isCIDR(self)";

  static final String CIDR_MESSAGE =
      "cidr must be an IPv4 or IPv6 CIDR block, such as 10.0.0.0/16, 203.0.113.7/32 or"
          + " 2001:db8::/32";

  /** A destination: one address, or a CIDR block (both parsed by the API server's IP library). */
  static final String ADDRESS_RULE = "isIP(self) || isCIDR(self)";

  static final String ADDRESS_MESSAGE =
      "cidr must be an IPv4 or IPv6 address, such as 8.8.8.8 or 2001:db8::5, or a CIDR block,"
          + " such as 10.2.0.0/16";

  /** The longest IPv6 text form (45 characters) plus {@code /128}. */
  static final int CIDR_MAX = 49;

  /** Protocols whose rules take ports, in every spelling the protocol pattern allows. */
  static final String PORT_PROTOCOLS = "['tcp', 'udp', '6', '17']";

  static final String ICMP_PROTOCOLS = "['icmp', 'icmpv6', '1', '58']";

  static final String IMMUTABLE = "self == oldSelf";

  // Rule checks, shared by ingress and egress rules. The protocol always has a value here: the
  // API server applies its default (tcp) before it evaluates CEL.
  static final String RULE_PORTS_REQUIRED =
      "!(self.protocol in " + PORT_PROTOCOLS + ") || has(self.ports)";
  static final String RULE_PORTS_REQUIRED_MESSAGE =
      "ports are required for tcp and udp rules; use [\"0-65535\"] for every port";
  // A protocol the pattern refuses (TCP, gre) has its own message; the two rules below then hold,
  // rather than add that ports apply only to tcp to a rule that says TCP.
  private static final String PROTOCOL_REFUSED = "!self.protocol.matches(r'" + RULE_PROTOCOL + "')";
  static final String RULE_PORTS_ONLY_TCP_UDP =
      "!has(self.ports) || self.protocol in " + PORT_PROTOCOLS + " || " + PROTOCOL_REFUSED;
  static final String RULE_PORTS_ONLY_TCP_UDP_MESSAGE =
      "ports apply only to tcp and udp rules: icmp rules take the icmp field, other protocols"
          + " (including all) cover every port";
  static final String RULE_ICMP_ONLY_ICMP =
      "!has(self.icmp) || self.protocol in " + ICMP_PROTOCOLS + " || " + PROTOCOL_REFUSED;
  static final String RULE_ICMP_ONLY_ICMP_MESSAGE =
      "icmp (type and code) applies only to icmp and icmpv6 rules";

  // Checks on one list of port strings. An item has at most PORT_MAX_LENGTH (16) characters, so
  // int() cannot overflow even on an item the pattern rule refuses; the guards keep int() away
  // from names and other text.
  static final String PORTS_AT_MOST_65535 =
      "self.all(p, p.split('-').all(n, !n.matches('^[0-9]+$') || int(n) <= 65535))";
  static final String PORTS_AT_MOST_65535_MESSAGE = "ports must be between 0 and 65535";
  static final String PORT_RANGES_ORDERED =
      "self.all(p, !p.matches('^[0-9]+-[0-9]+$')"
          + " || int(p.split('-')[0]) <= int(p.split('-')[1]))";
  static final String PORT_RANGES_ORDERED_MESSAGE =
      "a port range must not start above its end (write 8000-8080, not 8080-8000)";
}
