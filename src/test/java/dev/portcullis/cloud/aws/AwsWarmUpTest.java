package dev.portcullis.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class AwsWarmUpTest {
  @Test
  void warmUpAnswersEveryRequestFromMemoryAndCountsNothing() {
    // Port 9 on loopback: a request that left the process would fail to connect.
    try (AwsCloud cloud =
        new AwsCloud(
            URI.create("http://127.0.0.1:9"),
            StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))) {
      // describe + its rule ids, create, authorize: each parsed by the SDK, or it throws
      assertThat(cloud.warmUp()).isEqualTo(4);
      for (String action :
          new String[] {
            "DescribeSecurityGroups",
            "DescribeSecurityGroupRules",
            "CreateSecurityGroup",
            "AuthorizeSecurityGroupIngress"
          }) {
        assertThat(cloud.calls().total(action)).as(action).isZero();
      }
    }
  }

  @Test
  void warmUpNeedsNoEndpointOverrideAndNoCredentials() {
    // EC2's own endpoint rules resolve the address; the default chain is never asked
    try (AwsCloud cloud = new AwsCloud(null)) {
      assertThat(cloud.warmUp()).isEqualTo(4);
    }
  }

  @Test
  void answersHaveEc2sEnvelopeForTheActionNamed() {
    assertThat(CannedEc2Http.action("Version=2016-11-15&Action=CreateSecurityGroup&GroupName=x"))
        .isEqualTo("CreateSecurityGroup");
    assertThat(CannedEc2Http.answer("CreateTags"))
        .startsWith("<?xml")
        .contains("<CreateTagsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">")
        .endsWith("<return>true</return></CreateTagsResponse>");
  }
}
