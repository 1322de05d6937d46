package dev.portcullis.offline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;

/**
 * {@code portcullis simulator} as a user runs it, in a process of its own: it says where it
 * listens, on 127.0.0.1, and answers the AWS SDK there, in the regions of its world only.
 */
class SimulatorCommandIT {
  private static final Pattern URL =
      Pattern.compile("EC2 endpoint at (http://127\\.0\\.0\\.1:\\d+)");

  @Test
  void servesTheWorldToTheSdk() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    "dev.portcullis.Main",
                    "simulator",
                    "--world",
                    "examples/01-ssh-from-my-computer/world.yaml",
                    "--listen",
                    "127.0.0.1:0"))
            .redirectErrorStream(true)
            .start();
    try {
      URI uri;
      String example;
      try (BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String first = out.readLine();
        assertThat(first).as("the first line").isNotNull();
        Matcher m = URL.matcher(first);
        assertThat(m.find()).as(first).isTrue();
        uri = URI.create(m.group(1));
        example = out.readLine();
      }
      assertThat(example).contains("aws ec2 describe-security-groups --endpoint-url " + uri);

      StaticCredentialsProvider creds =
          StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
      try (Ec2Client ec2 =
          Ec2Client.builder()
              .region(Region.EU_WEST_1)
              .endpointOverride(uri)
              .credentialsProvider(creds)
              .build()) {
        assertThat(ec2.describeInstances().reservations().get(0).instances().get(0).instanceId())
            .isEqualTo("i-1a000001");
      }
      try (Ec2Client elsewhere =
          Ec2Client.builder()
              .region(Region.AP_SOUTHEAST_2)
              .endpointOverride(uri)
              .credentialsProvider(creds)
              .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
              .build()) {
        try {
          elsewhere.describeVpcs();
          throw new AssertionError("a region the world does not have was served");
        } catch (Ec2Exception e) {
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AuthFailure");
          assertThat(e.statusCode()).isEqualTo(401);
        }
      }
    } finally {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }
}
