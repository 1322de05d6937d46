package dev.portcullis.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.cloud.CloudException.Kind;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.GroupPeer;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.NamedGroupPeer;
import dev.portcullis.engine.PrefixListPeer;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;

/** The adapter's conversions and error mapping, without a server. */
class AwsCloudTest {
  private static Rule in(Protocol p, int from, int to, String peer, String description) {
    return new Rule(Direction.INGRESS, p, from, to, Ip.parseCidr(peer).cidr(), description);
  }

  @Test
  void errorCodesMapToKinds() {
    assertThat(AwsCloud.kind("RequestLimitExceeded", 503)).isEqualTo(Kind.THROTTLED);
    assertThat(AwsCloud.kind("Throttling", 400)).isEqualTo(Kind.THROTTLED);
    assertThat(AwsCloud.kind("InvalidGroup.NotFound", 400)).isEqualTo(Kind.NOT_FOUND);
    assertThat(AwsCloud.kind("InvalidPermission.NotFound", 400)).isEqualTo(Kind.NOT_FOUND);
    assertThat(AwsCloud.kind("InvalidGroup.Duplicate", 400)).isEqualTo(Kind.CONFLICT);
    assertThat(AwsCloud.kind("InvalidPermission.Duplicate", 400)).isEqualTo(Kind.CONFLICT);
    assertThat(AwsCloud.kind("DependencyViolation", 400)).isEqualTo(Kind.CONFLICT);
    assertThat(AwsCloud.kind("UnauthorizedOperation", 403)).isEqualTo(Kind.UNAUTHORIZED);
    assertThat(AwsCloud.kind("InvalidParameterValue", 400)).isEqualTo(Kind.INVALID);
    assertThat(AwsCloud.kind("RulesPerSecurityGroupLimitExceeded", 400)).isEqualTo(Kind.INVALID);
    assertThat(AwsCloud.kind("InvalidGroupId.Malformed", 400)).isEqualTo(Kind.INVALID);
    assertThat(AwsCloud.kind("InternalError", 500)).isEqualTo(Kind.TRANSIENT);
    assertThat(AwsCloud.kind("Unavailable", 503)).isEqualTo(Kind.TRANSIENT);
  }

  @Test
  void rulesSharingProtocolAndPortsBecomeOnePermission() {
    List<Rule> rules =
        List.of(
            in(Protocol.TCP, 22, 22, "203.0.113.7/32", "office"),
            in(Protocol.TCP, 22, 22, "2001:db8::/64", ""),
            new Rule(Direction.INGRESS, Protocol.TCP, 22, 22, new GroupPeer("sg-1"), "peers"),
            new Rule(Direction.INGRESS, Protocol.TCP, 22, 22, new PrefixListPeer("pl-1"), ""),
            in(Protocol.ALL, -1, -1, "10.0.0.0/8", ""),
            in(Protocol.ICMP, 8, -1, "10.0.0.0/8", ""));
    List<IpPermission> perms = AwsCloud.toPermissions(Direction.INGRESS, rules);
    assertThat(perms).hasSize(3);
    IpPermission ssh = perms.get(0);
    assertThat(ssh.ipProtocol()).isEqualTo("tcp");
    assertThat(ssh.fromPort()).isEqualTo(22);
    assertThat(ssh.ipRanges()).hasSize(1);
    assertThat(ssh.ipRanges().get(0).description()).isEqualTo("office");
    assertThat(ssh.ipv6Ranges().get(0).description()).isNull();
    assertThat(ssh.userIdGroupPairs().get(0).groupId()).isEqualTo("sg-1");
    assertThat(ssh.prefixListIds().get(0).prefixListId()).isEqualTo("pl-1");
    assertThat(perms.get(1).ipProtocol()).isEqualTo("-1");
    assertThat(perms.get(1).fromPort()).isNull();
    assertThat(perms.get(2).ipProtocol()).isEqualTo("icmp");
    assertThat(perms.get(2).toPort()).isEqualTo(-1);

    // and back: one atomic rule per peer
    assertThat(perms.stream().flatMap(p -> AwsCloud.fromPermission(Direction.INGRESS, p).stream()))
        .containsExactlyInAnyOrderElementsOf(rules);
  }

  @Test
  void aPermissionWithoutPortsCoversEveryPortOfTcp() {
    IpPermission p =
        IpPermission.builder()
            .ipProtocol("6")
            .ipRanges(IpRange.builder().cidrIp("10.0.0.0/8").build())
            .build();
    assertThat(AwsCloud.fromPermission(Direction.INGRESS, p))
        .containsExactly(in(Protocol.TCP, 0, 65535, "10.0.0.0/8", ""));
  }

  @Test
  void unresolvedPeersAndWrongDirectionsAreCallerBugs() {
    assertThatThrownBy(
            () ->
                AwsCloud.toPermissions(
                    Direction.INGRESS,
                    List.of(
                        new Rule(
                            Direction.INGRESS, Protocol.TCP, 1, 1, new NamedGroupPeer("web"), ""))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                AwsCloud.toPermissions(
                    Direction.EGRESS, List.of(in(Protocol.TCP, 1, 1, "10.0.0.0/8", ""))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
