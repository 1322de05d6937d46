package dev.portcullis.api.v1alpha1;

/**
 * Patterns, bounds and CEL expressions shared by the custom-resource types. Annotation values must
 * be compile-time constants, so they live here rather than being computed.
 *
 * <p>Patterns are evaluated by the API server with Go's RE2 syntax: no look-arounds, no
 * back-references. Each one is also a valid {@link java.util.regex.Pattern} with the same meaning,
 * which is how the tests check them.
 */
final class Schema {
  private Schema() {}

  /** An AWS region such as {@code us-east-1} or {@code us-gov-west-1}. */
  static final String REGION = "^[a-z]{2}(-[a-z]+)+-[1-9][0-9]?$";

  static final int REGION_MAX = 32;

  static final String VPC_ID = "^vpc-([0-9a-f]{8}|[0-9a-f]{17})$";

  static final String GROUP_ID = "^sg-([0-9a-f]{8}|[0-9a-f]{17})$";

  static final String PREFIX_LIST_ID = "^pl-([0-9a-f]{8}|[0-9a-f]{17})$";

  static final String INSTANCE_ID = "^i-([0-9a-f]{8}|[0-9a-f]{17})$";

  /** Long enough for every EC2 id above ({@code vpc-} and 17 hex digits is 21). */
  static final int ID_MAX = 24;

  /**
   * The characters EC2 accepts in a VPC security group's name and description and in a rule's
   * description: letters, digits, spaces and {@code ._-:/()#,@[]+=&;{}!$*}.
   */
  static final String EC2_TEXT = "^[a-zA-Z0-9 ._:/()#,@\\[\\]+=&;{}!$*-]*$";

  static final int EC2_TEXT_MAX = 255;

  /** A Kubernetes object name (DNS-1123 subdomain), for references to other custom resources. */
  static final String OBJECT_NAME =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  static final int OBJECT_NAME_MAX = 253;

  /**
   * Rule protocols: the five names, {@code -1} (same as {@code all}) and the numbers 0-255 without
   * leading zeros. Lower case only, as EC2 spells them, so that CEL rules can compare strings.
   */
  static final String RULE_PROTOCOL =
      "^(tcp|udp|icmp|icmpv6|all|-1|25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$";

  /** A flow has one concrete protocol: the rule protocols but {@code all} and {@code -1}. */
  static final String FLOW_PROTOCOL =
      "^(tcp|udp|icmp|icmpv6|25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$";

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

  static final int PORT_MAX_LENGTH = 16;

  /** A CIDR's shape; {@code isCIDR} in CEL does the real check. */
  static final String CIDR = "^[0-9a-fA-F:.]+/[0-9]{1,3}$";

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
  static final String RULE_PORTS_ONLY_TCP_UDP =
      "!has(self.ports) || self.protocol in " + PORT_PROTOCOLS;
  static final String RULE_PORTS_ONLY_TCP_UDP_MESSAGE =
      "ports apply only to tcp and udp rules: icmp rules take the icmp field, other protocols"
          + " (including all) cover every port";
  static final String RULE_ICMP_ONLY_ICMP = "!has(self.icmp) || self.protocol in " + ICMP_PROTOCOLS;
  static final String RULE_ICMP_ONLY_ICMP_MESSAGE =
      "icmp (type and code) applies only to icmp and icmpv6 rules";

  // Checks on one list of port strings. The pattern bounds numbers to five digits, so int()
  // cannot overflow; the guards keep int() away from names, which the pattern also lets through.
  static final String PORTS_AT_MOST_65535 =
      "self.all(p, p.split('-').all(n, !n.matches('^[0-9]+$') || int(n) <= 65535))";
  static final String PORTS_AT_MOST_65535_MESSAGE = "ports must be between 0 and 65535";
  static final String PORT_RANGES_ORDERED =
      "self.all(p, !p.matches('^[0-9]+-[0-9]+$')"
          + " || int(p.split('-')[0]) <= int(p.split('-')[1]))";
  static final String PORT_RANGES_ORDERED_MESSAGE =
      "a port range must not start above its end (write 8000-8080, not 8080-8000)";
}
