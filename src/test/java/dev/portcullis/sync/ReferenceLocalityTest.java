package dev.portcullis.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.api.v1alpha1.SecurityGroupSpec;
import org.junit.jupiter.api.Test;

class ReferenceLocalityTest {
  static SecurityGroupSpec spec(String region, String vpc) {
    SecurityGroupSpec s = new SecurityGroupSpec();
    s.setRegion(region);
    s.setVpcId(vpc);
    return s;
  }

  @Test
  void sameRegionAndVpcIsFine() {
    assertThat(
            ReferenceLocality.problem(
                "app", spec("eu-west-1", "vpc-1"), spec("eu-west-1", "vpc-1")))
        .isEmpty();
  }

  @Test
  void anotherRegionIsRefusedWithWhatToDoInstead() {
    assertThat(
            ReferenceLocality.problem(
                "app", spec("us-east-1", "vpc-2"), spec("eu-west-1", "vpc-1")))
        .hasValue(
            "SecurityGroup app is in region eu-west-1 but this group is in us-east-1; a group"
                + " reference never matches across regions (use the other region's public"
                + " addresses as a cidr instead)");
  }

  @Test
  void anotherVpcIsRefused() {
    assertThat(
            ReferenceLocality.problem(
                "app", spec("eu-west-1", "vpc-2"), spec("eu-west-1", "vpc-1")))
        .hasValue(
            "SecurityGroup app is in vpc-1 but this group is in vpc-2; a group reference only"
                + " matches within one VPC");
  }

  @Test
  void aVpcNotKnownYetIsNotCompared() {
    assertThat(
            ReferenceLocality.problem("app", spec("eu-west-1", null), spec("eu-west-1", "vpc-1")))
        .isEmpty();
  }
}
