package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Objects;

/**
 * What ingress and egress rules have in common: protocol, ports or ICMP type, description. The
 * cross-field CEL rules are declared on each subclass, because the generator reads class-level
 * annotations from the class itself only.
 */
public abstract class AbstractRule {
  @JsonPropertyDescription(
      "The IP protocol: tcp (the default), udp, icmp, icmpv6, all (every protocol; -1 is the"
          + " same), or a protocol number from 0 to 255 such as 50 for ESP. Lower case.")
  @Default("tcp")
  @ValidationRule(value = Schema.RULE_PROTOCOL_RULE, message = Schema.RULE_PROTOCOL_MESSAGE)
  @Size(max = 6)
  private String protocol;

  @JsonPropertyDescription(
      "The ports the rule opens, required for tcp and udp (6 and 17) and refused for every other"
          + " protocol. Each item is a port (443), an inclusive range (8000-8080, or 0-65535 for"
          + " every port) or a well-known name: ssh and sftp (22), ftp (21), ftp-data, telnet,"
          + " smtp, dns, http (80), https (443), rdp (3389), pop3, imap, ldap, smtps, submission,"
          + " ldaps, imaps, pop3s, mssql, oracle, nfs, mysql, postgres, postgresql, winrm,"
          + " winrm-https, redis, http-alt, https-alt, memcached, mongodb, kube-apiserver, etcd,"
          + " kafka, elasticsearch, prometheus. Each item becomes its own EC2 rule per peer.")
  @Size(min = 1, max = 20)
  @ValidationRule(
      value = Schema.PORTS_RULE,
      message = Schema.PORTS_MESSAGE,
      messageExpression = Schema.PORTS_MESSAGE_EXPRESSION)
  @ValidationRule(value = Schema.PORTS_AT_MOST_65535, message = Schema.PORTS_AT_MOST_65535_MESSAGE)
  @ValidationRule(value = Schema.PORT_RANGES_ORDERED, message = Schema.PORT_RANGES_ORDERED_MESSAGE)
  private List<@Size(max = Schema.PORT_MAX_LENGTH) String> ports;

  @JsonPropertyDescription(
      "For icmp and icmpv6 rules only: the ICMP type and code to allow. Leave it out to allow"
          + " every ICMP message.")
  private IcmpMatch icmp;

  @JsonPropertyDescription(
      "A description EC2 stores on each rule made from this one: up to 255 letters, digits,"
          + " spaces and ._-:/()#,@[]+=&;{}!$* characters. It can be changed in place.")
  @ValidationRule(value = Schema.EC2_TEXT_RULE, message = "description" + Schema.EC2_TEXT_ONLY)
  @Size(max = Schema.EC2_TEXT_MAX)
  private String description;

  public String getProtocol() {
    return protocol;
  }

  public void setProtocol(String protocol) {
    this.protocol = protocol;
  }

  public List<String> getPorts() {
    return ports;
  }

  public void setPorts(List<String> ports) {
    this.ports = ports;
  }

  public IcmpMatch getIcmp() {
    return icmp;
  }

  public void setIcmp(IcmpMatch icmp) {
    this.icmp = icmp;
  }

  public String getDescription() {
    return description;
  }

  public void setDescription(String description) {
    this.description = description;
  }

  /** The peers of the rule, whichever side they are on. */
  public abstract List<RulePeer> peers();

  @Override
  public boolean equals(Object o) {
    return o != null
        && o.getClass() == getClass()
        && o instanceof AbstractRule r
        && Objects.equals(protocol, r.protocol)
        && Objects.equals(ports, r.ports)
        && Objects.equals(icmp, r.icmp)
        && Objects.equals(description, r.description)
        && Objects.equals(peers(), r.peers());
  }

  @Override
  public int hashCode() {
    return Objects.hash(getClass(), protocol, ports, icmp, description, peers());
  }
}
