#!/bin/sh
# A private CA and the broker's certificate for the compose stack's amqps:// listener
# (deploy/rabbitmq/tls.conf). Writes deploy/rabbitmq/tls/{ca.pem,ca.key,broker.pem,broker.key};
# keep ca.key off the broker. Names: the broker's host in the services' AMQP_URI (rabbitmq in
# compose) and loopback for the operator. Usage: deploy/rabbitmq/make-certs.sh [extra DNS name]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/tls"
mkdir -p "$out"
umask 077
extra=${1:+,DNS:$1}
openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -sha256 -days 825 \
    -subj "/CN=coop broker CA" -keyout "$out/ca.key" -out "$out/ca.pem" 2>/dev/null
openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -subj "/CN=rabbitmq" \
    -keyout "$out/broker.key" -out "$out/broker.csr" 2>/dev/null
printf 'subjectAltName=DNS:rabbitmq,DNS:localhost,IP:127.0.0.1%s\nextendedKeyUsage=serverAuth\n' "$extra" \
    > "$out/broker.ext"
openssl x509 -req -in "$out/broker.csr" -CA "$out/ca.pem" -CAkey "$out/ca.key" -CAcreateserial \
    -days 825 -sha256 -extfile "$out/broker.ext" -out "$out/broker.pem" 2>/dev/null
rm -f "$out/broker.csr" "$out/broker.ext" "$out/ca.srl"
chmod 644 "$out/ca.pem" "$out/broker.pem" "$out/broker.key"  # the broker's user reads its key
echo "written: $out/ca.pem $out/broker.pem $out/broker.key (and $out/ca.key: keep it elsewhere)"
