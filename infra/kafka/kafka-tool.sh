#!/usr/bin/env bash
# Run a Kafka CLI tool with the cached classpath (quiet logging), e.g.
#   kafka-tool.sh topics --bootstrap-server 127.0.0.1:9092 --list
#   kafka-tool.sh console-producer --bootstrap-server 127.0.0.1:9092 --topic t
#   kafka-tool.sh console-consumer --bootstrap-server 127.0.0.1:9092 --topic t --from-beginning --max-messages 1
#   kafka-tool.sh api-versions --bootstrap-server 127.0.0.1:9092      (lists live brokers)
#   kafka-tool.sh metadata-quorum --bootstrap-server 127.0.0.1:9092 describe --status
#   kafka-tool.sh consumer-groups --bootstrap-server 127.0.0.1:9092 --list
#   kafka-tool.sh org.apache.kafka.tools.SomeOtherTool ...             (any fully-qualified class)
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

(($#)) || { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
tool=$1
shift
case "$tool" in
  topics) cls=org.apache.kafka.tools.TopicCommand ;;
  console-producer) cls=org.apache.kafka.tools.ConsoleProducer ;;
  console-consumer) cls=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
  api-versions) cls=org.apache.kafka.tools.BrokerApiVersionsCommand ;;
  metadata-quorum) cls=org.apache.kafka.tools.MetadataQuorumCommand ;;
  consumer-groups) cls=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
  configs) cls=kafka.admin.ConfigCommand ;;
  storage) cls=kafka.tools.StorageTool ;;
  *.*) cls=$tool ;;
  *) die "unknown tool '$tool' (use a short name from the header of this script or a class name)" ;;
esac
ensure_classpath
run_tool "$cls" "$@"
