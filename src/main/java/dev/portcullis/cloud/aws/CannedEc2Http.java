package dev.portcullis.cloud.aws;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * An HTTP client for the AWS SDK that never opens a connection: it answers each EC2 request from
 * memory, with a well-formed answer of EC2's shape for the action the form names (one group with a
 * rule of each peer kind, one rule, or a bare {@code return}). {@link AwsCloud#warmUp()} sends its
 * requests through it, so that the SDK's first request costs nothing in a reconciliation.
 */
final class CannedEc2Http implements SdkHttpClient {
  private static final String NS = "http://ec2.amazonaws.com/doc/2016-11-15/";
  private static final String GROUP = "sg-00000000000000001";
  private static final String RULE =
      "<item><securityGroupRuleId>sgr-00000000000000001</securityGroupRuleId>"
          + "<groupId>"
          + GROUP
          + "</groupId><groupOwnerId>000000000000</groupOwnerId><isEgress>false</isEgress>"
          + "<ipProtocol>tcp</ipProtocol><fromPort>22</fromPort><toPort>22</toPort>"
          + "<cidrIpv4>192.0.2.0/24</cidrIpv4><description>ssh</description><tagSet/></item>";
  private static final String PERMISSIONS =
      "<ipPermissions><item><ipProtocol>tcp</ipProtocol><fromPort>22</fromPort><toPort>22</toPort>"
          + "<groups><item><userId>000000000000</userId><groupId>sg-00000000000000002</groupId>"
          + "</item></groups><ipRanges><item><cidrIp>192.0.2.0/24</cidrIp>"
          + "<description>ssh</description></item></ipRanges><ipv6Ranges><item>"
          + "<cidrIpv6>2001:db8::/32</cidrIpv6></item></ipv6Ranges><prefixListIds><item>"
          + "<prefixListId>pl-00000001</prefixListId></item></prefixListIds></item></ipPermissions>"
          + "<ipPermissionsEgress><item><ipProtocol>-1</ipProtocol><groups/><ipRanges><item>"
          + "<cidrIp>0.0.0.0/0</cidrIp></item></ipRanges><ipv6Ranges/><prefixListIds/></item>"
          + "</ipPermissionsEgress>";
  private static final String TAGS = "<tagSet><item><key>k</key><value>v</value></item></tagSet>";

  private final AtomicInteger answered = new AtomicInteger();

  /** How many requests it has answered. */
  int answered() {
    return answered.get();
  }

  @Override
  public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
    return new ExecutableHttpRequest() {
      @Override
      public HttpExecuteResponse call() throws IOException {
        String action = "Unknown";
        if (request.contentStreamProvider().isPresent()) {
          try (InputStream in = request.contentStreamProvider().get().newStream()) {
            action = action(new String(in.readAllBytes(), StandardCharsets.UTF_8));
          }
        }
        byte[] body = answer(action).getBytes(StandardCharsets.UTF_8);
        answered.incrementAndGet();
        return HttpExecuteResponse.builder()
            .response(
                SdkHttpResponse.builder()
                    .statusCode(200)
                    .putHeader("Content-Type", "text/xml;charset=UTF-8")
                    .putHeader("Content-Length", Integer.toString(body.length))
                    .build())
            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body)))
            .build();
      }

      @Override
      public void abort() {}
    };
  }

  /** The {@code Action} of a form-encoded EC2 request. */
  static String action(String form) {
    for (String pair : form.split("&")) {
      if (pair.startsWith("Action=")) {
        return URLDecoder.decode(pair.substring(7), StandardCharsets.UTF_8);
      }
    }
    return "Unknown";
  }

  static String answer(String action) {
    String inner =
        switch (action) {
          case "DescribeSecurityGroups" ->
              "<securityGroupInfo><item><ownerId>000000000000</ownerId><groupId>"
                  + GROUP
                  + "</groupId><groupName>warm-up</groupName><groupDescription>warm-up"
                  + "</groupDescription><vpcId>vpc-00000001</vpcId>"
                  + PERMISSIONS
                  + TAGS
                  + "</item></securityGroupInfo>";
          case "CreateSecurityGroup" ->
              "<return>true</return><groupId>" + GROUP + "</groupId>" + TAGS;
          case "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress" ->
              "<return>true</return><securityGroupRuleSet>" + RULE + "</securityGroupRuleSet>";
          case "DescribeSecurityGroupRules" ->
              "<securityGroupRuleSet>" + RULE + "</securityGroupRuleSet>";
          default -> "<return>true</return>";
        };
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><"
        + action
        + "Response xmlns=\""
        + NS
        + "\"><requestId>00000000-0000-0000-0000-000000000000</requestId>"
        + inner
        + "</"
        + action
        + "Response>";
  }

  @Override
  public String clientName() {
    return "portcullis-warm-up";
  }

  @Override
  public void close() {}
}
