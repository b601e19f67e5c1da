// Minimal grpc C++ TestService peer for dev/bench-rpc: UnaryCall only (callback API).
// Replies with a COMPRESSABLE payload of `response_size` zero bytes, like Baton's
// InteropTestService. Every other method is left unimplemented.
//
// Usage: interop_server [--port N]   (--port 0 picks a free port)
// Prints one line "listening on 127.0.0.1:PORT" on stdout, then serves until SIGTERM/SIGINT.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <chrono>

#include <grpcpp/grpcpp.h>

#include "grpc/testing/test.grpc.pb.h"

namespace {

class UnaryOnlyService final : public grpc::testing::TestService::CallbackService {
  grpc::ServerUnaryReactor* UnaryCall(grpc::CallbackServerContext* context,
                                      const grpc::testing::SimpleRequest* request,
                                      grpc::testing::SimpleResponse* response) override {
    auto* reactor = context->DefaultReactor();
    if (request->response_size() < 0) {
      reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "negative response_size"));
      return reactor;
    }
    if (request->response_size() > 0) {
      auto* payload = response->mutable_payload();
      payload->set_type(grpc::testing::COMPRESSABLE);
      payload->mutable_body()->assign(static_cast<size_t>(request->response_size()), '\0');
    }
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

}  // namespace

int main(int argc, char** argv) {
  int port = 50052;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
      port = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: %s [--port N]\n", argv[0]);
      return 2;
    }
  }

  UnaryOnlyService service;
  grpc::ServerBuilder builder;
  int selected_port = 0;
  builder.AddListeningPort("127.0.0.1:" + std::to_string(port),
                           grpc::InsecureServerCredentials(), &selected_port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || selected_port == 0) {
    std::fprintf(stderr, "failed to listen on 127.0.0.1:%d\n", port);
    return 1;
  }
  std::printf("listening on 127.0.0.1:%d\n", selected_port);
  std::fflush(stdout);

  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  while (!g_stop) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  return 0;
}
