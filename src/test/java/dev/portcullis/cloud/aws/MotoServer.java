package dev.portcullis.cloud.aws;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * moto's server on 127.0.0.1 and a free port, for the AWS adapter's integration tests. It runs from
 * the Python venv that {@code scripts/moto.sh} installs: {@code $PORTCULLIS_MOTO_VENV}, else {@code
 * $PORTCULLIS_CACHE/moto-venv}, else {@code ~/.cache/portcullis/moto-venv}. A missing venv fails
 * the test with what to run; it never skips.
 */
public final class MotoServer implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final int port;
  private final Path log;

  private MotoServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  static Path venv() {
    String explicit = System.getenv("PORTCULLIS_MOTO_VENV");
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    String cache = System.getenv("PORTCULLIS_CACHE");
    Path base =
        cache != null && !cache.isBlank()
            ? Path.of(cache)
            : Path.of(System.getProperty("user.home"), ".cache", "portcullis");
    return base.resolve("moto-venv");
  }

  public static MotoServer start() throws IOException, InterruptedException {
    Path venv = venv();
    Path server = venv.resolve("bin").resolve("moto_server");
    if (!Files.isExecutable(server)) {
      throw new IllegalStateException(
          "moto is not installed: no "
              + server
              + ". Run scripts/moto.sh (scripts/test.sh does), or set PORTCULLIS_MOTO_VENV to a"
              + " venv with moto[server]");
    }
    int port = freePort();
    Path log = Files.createTempFile("moto-", ".log");
    Process p =
        new ProcessBuilder(server.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    MotoServer m = new MotoServer(p, port, log);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(
            "moto_server exited with " + p.exitValue() + ":\n" + Files.readString(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
        return m;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    m.close();
    throw new IllegalStateException(
        "moto_server did not listen on 127.0.0.1:"
            + port
            + " within "
            + START_TIMEOUT
            + ":\n"
            + Files.readString(log));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A VPC made in moto with one subnet and an instance per role, tagged Name and role. */
  public record Network(String vpcId, String subnetId, List<String> instanceIds) {}

  /** Makes a VPC (10.0.0.0/16), a subnet (10.0.1.0/24) and one instance for each role. */
  public static Network network(Ec2Client ec2, String... roles) {
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
    String subnet =
        ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.1.0/24")).subnet().subnetId();
    List<Image> images = ec2.describeImages(r -> r.owners("amazon")).images();
    String ami = images.isEmpty() ? "ami-12c6146b" : images.get(0).imageId();
    List<String> instances = new ArrayList<>();
    for (String role : roles) {
      instances.add(
          ec2.runInstances(
                  r ->
                      r.imageId(ami)
                          .instanceType("t3.micro")
                          .minCount(1)
                          .maxCount(1)
                          .subnetId(subnet)
                          .tagSpecifications(
                              TagSpecification.builder()
                                  .resourceType(ResourceType.INSTANCE)
                                  .tags(
                                      Tag.builder().key("Name").value(role).build(),
                                      Tag.builder().key("role").value(role).build())
                                  .build()))
              .instances()
              .get(0)
              .instanceId());
    }
    return new Network(vpc, subnet, List.copyOf(instances));
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The credentials moto's server accepts (any; these are the ones its documentation uses). */
  public static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));

  /** The adapter, as the operator makes it with {@code --aws-endpoint}, pointed at this server. */
  public AwsCloud cloud() {
    return new AwsCloud(endpoint(), CREDENTIALS);
  }

  /** A plain SDK client of this server, for fixtures and for checks behind the adapter's back. */
  public Ec2Client ec2(String region) {
    return Ec2Client.builder()
        .region(Region.of(region))
        .endpointOverride(endpoint())
        .credentialsProvider(CREDENTIALS)
        .build();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(log);
    } catch (IOException ignored) {
      // a temporary file
    }
  }
}
