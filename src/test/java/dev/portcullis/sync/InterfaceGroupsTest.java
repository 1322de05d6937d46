package dev.portcullis.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.cloud.InstanceInfo;
import dev.portcullis.engine.Quotas;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InterfaceGroupsTest {
  static InstanceInfo instance(String... groups) {
    return new InstanceInfo(
        "i-0a000001",
        "vpc-0a000001",
        Map.of(),
        List.of(
            new InstanceInfo.InterfaceInfo(
                "eni-0a000001", 0, "10.0.0.1", null, null, List.of(groups))));
  }

  @Test
  void keepsOthersGroupsDropsTheDefaultAndWhatTheAttachmentNoLongerWants() {
    InterfaceGroups.Change c =
        InterfaceGroups.plan(
            instance("sg-default", "sg-theirs", "sg-old"),
            List.of("sg-web"),
            Map.of("sg-web", "vpc-0a000001"),
            Set.of("sg-old"),
            List.of("sg-default"),
            Quotas.DEFAULT);
    assertThat(c.refusal()).isNull();
    assertThat(c.groups()).containsExactly("sg-theirs", "sg-web");
    assertThat(c.changes()).isTrue();
  }

  @Test
  void nothingToDoWhenTheGroupsAreAlreadyThere() {
    InterfaceGroups.Change c =
        InterfaceGroups.plan(
            instance("sg-web"),
            List.of("sg-web"),
            Map.of(),
            Set.of("sg-web"),
            List.of(),
            Quotas.DEFAULT);
    assertThat(c.changes()).isFalse();
  }

  @Test
  void refusesAnotherVpcAndTheQuotaNamingTheInstance() {
    assertThat(
            InterfaceGroups.plan(
                    instance(),
                    List.of("sg-b"),
                    Map.of("sg-b", "vpc-0b000002"),
                    Set.of(),
                    List.of(),
                    Quotas.DEFAULT)
                .refusal())
        .contains("i-0a000001")
        .contains("vpc-0b000002")
        .contains("own VPC");
    assertThat(
            InterfaceGroups.plan(
                    instance("a", "b", "c", "d", "e"),
                    List.of("f"),
                    Map.of(),
                    Set.of(),
                    List.of(),
                    Quotas.DEFAULT)
                .refusal())
        .contains("eni-0a000001")
        .contains("6 groups")
        .contains("quota of 5");
  }
}
