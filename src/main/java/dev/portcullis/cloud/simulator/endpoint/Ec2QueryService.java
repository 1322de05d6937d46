package dev.portcullis.cloud.simulator.endpoint;

import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.CloudException.Kind;
import dev.portcullis.cloud.simulator.Ec2Api;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * EC2's Query API over one simulator, without the HTTP server: a request's method, query string,
 * {@code Authorization} header and body in; a status and EC2's XML out. It parses the request
 * ({@link QueryRequest}), checks the envelope (the SigV4 credential scope's region and, when
 * configured, its access key; {@code Action}, {@code Version}, the action's parameters, {@code
 * DryRun}), dispatches by {@code Action} to the handler of its API family, and writes EC2's answer
 * or EC2's error document. Thread-safe: the simulator serialises the calls.
 */
public final class Ec2QueryService {
  /** The only API version served, the one every current SDK and the AWS CLI send. */
  public static final String VERSION = "2016-11-15";

  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]+");
  private static final Pattern CREDENTIAL =
      Pattern.compile("Credential=([^/,\\s]*)/([^/,\\s]*)/([^/,\\s]*)/([^/,\\s]*)/([^/,\\s]*)");

  /**
   * What the endpoint accepts.
   *
   * @param regions the regions a request may be signed for; empty: any region name
   * @param accessKeys the access key ids accepted; empty: any
   * @param maxBodyBytes the largest request body taken
   */
  public record Settings(Set<String> regions, Set<String> accessKeys, int maxBodyBytes) {
    public Settings {
      regions = Set.copyOf(regions);
      accessKeys = Set.copyOf(accessKeys);
      if (maxBodyBytes < 1024) {
        throw new IllegalArgumentException("maxBodyBytes must be at least 1024");
      }
    }

    /** Any region and access key, bodies up to 1 MiB. */
    public static Settings open() {
      return new Settings(Set.of(), Set.of(), 1 << 20);
    }

    public Settings withRegions(Set<String> r) {
      return new Settings(r, accessKeys, maxBodyBytes);
    }

    public Settings withAccessKeys(Set<String> keys) {
      return new Settings(regions, keys, maxBodyBytes);
    }
  }

  /** An answer: the HTTP status and EC2's XML. */
  public record Response(int status, String body) {}

  private final Ec2Simulator sim;
  private final Settings settings;
  private final Actions actions = new Actions();
  private final Map<String, LongAdder> byAccessKey = new ConcurrentHashMap<>();

  public Ec2QueryService(Ec2Simulator sim, Settings settings) {
    this.sim = Objects.requireNonNull(sim, "sim");
    this.settings = Objects.requireNonNull(settings, "settings");
    Ec2Api api = new Ec2Api(sim);
    GroupActions.register(actions, api);
    RuleActions.register(actions, api);
    TagActions.register(actions, api);
    InstanceActions.register(actions, api);
    NetworkActions.register(actions, api);
  }

  public Ec2Simulator simulator() {
    return sim;
  }

  public Settings settings() {
    return settings;
  }

  /**
   * The requests answered so far, by the access key id that signed them (refused ones included):
   * which of several clients sharing the endpoint calls it, such as the replicas of an operator, of
   * which only the leader should.
   */
  public Map<String, Long> requestsByAccessKey() {
    Map<String, Long> out = new TreeMap<>();
    byAccessKey.forEach((key, n) -> out.put(key, n.sum()));
    return out;
  }

  /** The actions served, sorted. */
  public Set<String> actions() {
    return actions.names();
  }

  /**
   * Answers one request.
   *
   * @param query the URL's query string, or null
   * @param authorization the {@code Authorization} header, or null
   * @param body the request body (form-encoded for POST), possibly empty
   */
  public Response answer(String query, String authorization, byte[] body) {
    String requestId = requestId();
    try {
      if (body.length > settings.maxBodyBytes()) {
        throw tooLarge(settings.maxBodyBytes());
      }
      Map<String, String> params = new LinkedHashMap<>();
      QueryRequest fromQuery = QueryRequest.parse(query);
      fromQuery.names().forEach(n -> params.put(n, fromQuery.get(n)));
      QueryRequest fromBody = QueryRequest.parse(new String(body, StandardCharsets.ISO_8859_1));
      fromBody.names().forEach(n -> params.put(n, fromBody.get(n)));
      QueryRequest req = QueryRequest.of(params);
      String region = authenticate(authorization, req);
      String name = req.get("Action");
      if (name == null || name.isEmpty()) {
        throw new CloudException(
            "MissingAction", Kind.INVALID, "The request must contain the parameter Action");
      }
      Actions.Action action = actions.get(name);
      if (action == null) {
        throw new CloudException(
            "InvalidAction",
            Kind.INVALID,
            "The action " + name + " is not valid for this web service.");
      }
      String version = req.get("Version");
      if (version == null || version.isEmpty()) {
        throw new CloudException(
            "MissingParameter", Kind.INVALID, "The request must contain the parameter Version");
      }
      if (!version.equals(VERSION)) {
        throw new CloudException(
            "NoSuchVersion",
            Kind.INVALID,
            "The requested version (" + version + ") of service AmazonEC2 does not exist");
      }
      for (String n : req.names()) {
        String first = n.contains(".") ? n.substring(0, n.indexOf('.')) : n;
        if (!action.parameters().contains(first)) {
          throw QueryRequest.unknown(n);
        }
      }
      if (req.flag("DryRun")) {
        throw new CloudException(
            "DryRunOperation",
            Kind.INVALID,
            "Request would have succeeded, but DryRun flag is set.");
      }
      Xml out = new Xml().root(name + "Response").leaf("requestId", requestId);
      action.handler().answer(region, req, out);
      return new Response(200, out.finish());
    } catch (CloudException e) {
      return error(requestId, e.code(), messageOf(e));
    } catch (IllegalArgumentException e) {
      // a value the model refuses before EC2's own checks (an empty id, say)
      return error(requestId, "InvalidParameterValue", String.valueOf(e.getMessage()));
    } catch (RuntimeException e) {
      return error(requestId, "InternalError", "An internal error has occurred");
    }
  }

  /** The answer to a body over {@link Settings#maxBodyBytes}, which the server does not read. */
  public Response tooLarge() {
    CloudException e = tooLarge(settings.maxBodyBytes());
    return error(requestId(), e.code(), messageOf(e));
  }

  /**
   * A fresh request id in EC2's form (a random, version-4 UUID). Drawn from the thread's own
   * generator: request ids need to be unique, not unguessable, and {@link UUID#randomUUID} would
   * make every request of every thread wait on one shared secure generator.
   */
  private static String requestId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lo = (r.nextLong() & ~(0xCL << 60)) | (0x8L << 60);
    return new UUID(hi, lo).toString();
  }

  private static CloudException tooLarge(int max) {
    return new CloudException(
        "RequestEntityTooLarge",
        Kind.INVALID,
        "The request body is larger than the " + max + " bytes the endpoint takes");
  }

  /**
   * The region of the request's SigV4 credential scope ({@code Credential=AKID/date/region/ec2/
   * aws4_request}, in the {@code Authorization} header or the query's {@code X-Amz-Credential}).
   */
  private String authenticate(String authorization, QueryRequest req) {
    String scope;
    if (authorization != null && !authorization.isEmpty()) {
      if (!authorization.startsWith("AWS4-HMAC-SHA256 ")) {
        throw new CloudException(
            "IncompleteSignature",
            Kind.INVALID,
            "The request signature does not conform to AWS standards: only AWS4-HMAC-SHA256 is"
                + " accepted");
      }
      Matcher m = CREDENTIAL.matcher(authorization);
      if (!m.find()) {
        throw incomplete();
      }
      scope = m.group(0).substring("Credential=".length());
    } else if (req.get("X-Amz-Credential") != null) {
      scope = req.get("X-Amz-Credential");
    } else {
      throw new CloudException(
          "MissingAuthenticationToken",
          Kind.UNAUTHORIZED,
          "The request must contain either a valid (registered) AWS access key ID or X.509"
              + " certificate.");
    }
    String[] parts = scope.split("/", -1);
    if (parts.length != 5
        || parts[0].isEmpty()
        || !parts[3].equals("ec2")
        || !parts[4].equals("aws4_request")) {
      throw incomplete();
    }
    byAccessKey.computeIfAbsent(parts[0], k -> new LongAdder()).increment();
    String region = parts[2];
    boolean known =
        settings.regions().isEmpty()
            ? REGION.matcher(region).matches()
            : settings.regions().contains(region);
    if (!known) {
      throw new CloudException(
          "AuthFailure",
          Kind.UNAUTHORIZED,
          "Credential should be scoped to a valid region, not '"
              + region
              + "'"
              + (settings.regions().isEmpty()
                  ? ""
                  : "; this endpoint serves " + String.join(", ", sorted(settings.regions()))));
    }
    if (!settings.accessKeys().isEmpty() && !settings.accessKeys().contains(parts[0])) {
      throw new CloudException(
          "AuthFailure",
          Kind.UNAUTHORIZED,
          "AWS was not able to validate the provided access credentials");
    }
    return region;
  }

  private static List<String> sorted(Set<String> s) {
    return s.stream().sorted().toList();
  }

  private static CloudException incomplete() {
    return new CloudException(
        "IncompleteSignature",
        Kind.INVALID,
        "The request signature does not conform to AWS standards: the credential scope must be"
            + " access-key/date/region/ec2/aws4_request");
  }

  /** The message without the code {@link CloudException} puts in front of it. */
  private static String messageOf(CloudException e) {
    String m = String.valueOf(e.getMessage());
    String prefix = e.code() + ": ";
    return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
  }

  /** EC2's error document, with the HTTP status EC2 gives the code. */
  static Response error(String requestId, String code, String message) {
    Xml out = new Xml();
    out.start("Response")
        .start("Errors")
        .start("Error")
        .leaf("Code", code)
        .leaf("Message", message)
        .end()
        .end()
        .leaf("RequestID", requestId);
    return new Response(status(code), out.finish());
  }

  /**
   * The HTTP status of an error code: 503 for throttling and unavailability (EC2 answers
   * RequestLimitExceeded so), 500 for internal errors, 401 and 403 for authentication and
   * authorisation, 412 for a dry run, 413 for an oversized body, 404 for a malformed query string
   * (AWS's common errors give it so), and 400 for every other client error.
   */
  static int status(String code) {
    return switch (code) {
      case "RequestLimitExceeded", "Unavailable", "ServiceUnavailable" -> 503;
      case "InternalError" -> 500;
      case "AuthFailure" -> 401;
      case "MissingAuthenticationToken", "UnauthorizedOperation", "OptInRequired", "Blocked" -> 403;
      case "DryRunOperation" -> 412;
      case "RequestEntityTooLarge" -> 413;
      case "MalformedQueryString" -> 404; // as AWS's common errors document it
      default -> 400;
    };
  }
}
