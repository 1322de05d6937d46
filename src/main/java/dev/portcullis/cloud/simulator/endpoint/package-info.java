/**
 * The simulator as an EC2 endpoint: EC2's Query API (form-encoded requests, API version 2016-11-15,
 * EC2's XML answers and error documents) over HTTP, so that any EC2 client can drive the simulator.
 * Three thin layers over the model: {@link dev.portcullis.cloud.simulator.endpoint.QueryRequest}
 * parses a request, {@link dev.portcullis.cloud.simulator.endpoint.Ec2QueryService} dispatches it
 * by {@code Action} to the handler of its API family (groups, rules, tags, instances and
 * interfaces, VPCs and prefix lists), and {@link dev.portcullis.cloud.simulator.endpoint.Xml}
 * writes the answer. The wire decides no EC2 semantics: the handlers call the simulator's port and
 * {@link dev.portcullis.cloud.simulator.Ec2Api}, which never see XML. See {@code
 * docs/simulator.md}.
 */
package dev.portcullis.cloud.simulator.endpoint;
