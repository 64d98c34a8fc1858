#include "idx_gzip.hpp"

#include <algorithm>
#include <array>
#include <climits>

// Makes z_stream::next_in a pointer to const, as our input is.
#define ZLIB_CONST
#include <zlib.h>

namespace swarm::ml::detail {

namespace {

// zlib counts in uInt; feed and drain in pieces that always fit.
constexpr size_t max_chunk = size_t{1} << 30;

} // namespace

bool is_gzip(std::span<const std::byte> bytes) {
  return bytes.size() >= 2 && bytes[0] == std::byte{0x1f}
         && bytes[1] == std::byte{0x8b};
}

struct idx_gzip_reader::state {
  z_stream z{};
  bool initialized = false;
};

idx_gzip_reader::idx_gzip_reader(std::span<const std::byte> input,
                                 std::string_view name)
  : st_(std::make_unique<state>()), input_(input), name_(name) {
  // 16 + MAX_WBITS: gzip wrapper only, with CRC-32 and length checks.
  st_->initialized = inflateInit2(&st_->z, 16 + MAX_WBITS) == Z_OK;
}

idx_gzip_reader::~idx_gzip_reader() {
  if (st_->initialized)
    inflateEnd(&st_->z);
}

status idx_gzip_reader::on_stream_end() {
  auto& z = st_->z;
  auto rest = input_.size() - fed_ + z.avail_in;
  if (rest == 0) {
    done_ = true;
    return status::ok();
  }
  auto next = input_.subspan(input_.size() - rest);
  if (!is_gzip(next))
    return make_error(errc::corrupt_data,
                      name_ + ": " + std::to_string(rest)
                        + " bytes of non-gzip data after the compressed stream");
  // Another member follows, as in `cat a.gz b.gz`: keep decoding.
  inflateReset(&z);
  return status::ok();
}

expected<size_t> idx_gzip_reader::read(void* dst, size_t size) {
  if (!st_->initialized)
    return make_error(errc::io_error, name_ + ": cannot initialize zlib");
  auto& z = st_->z;
  auto* out = static_cast<Bytef*>(dst);
  size_t produced = 0;
  while (produced < size && !done_ && !cut_off_) {
    if (z.avail_in == 0 && fed_ < input_.size()) {
      auto n = std::min(input_.size() - fed_, max_chunk);
      z.next_in = reinterpret_cast<const Bytef*>(input_.data() + fed_);
      z.avail_in = static_cast<uInt>(n);
      fed_ += n;
    }
    auto want = std::min(size - produced, max_chunk);
    z.next_out = out + produced;
    z.avail_out = static_cast<uInt>(want);
    int rc = inflate(&z, Z_NO_FLUSH);
    produced += want - z.avail_out;
    switch (rc) {
      case Z_OK:
        break;
      case Z_STREAM_END:
        if (auto st = on_stream_end(); !st)
          return st.error();
        break;
      case Z_BUF_ERROR:
        // No progress possible with room left in the output: input is gone.
        if (z.avail_in == 0 && fed_ == input_.size()) {
          cut_off_ = true;
          break;
        }
        return make_error(errc::corrupt_data,
                          name_ + ": corrupt gzip data: inflate made no progress");
      case Z_MEM_ERROR:
        return make_error(errc::io_error, name_ + ": zlib is out of memory");
      default: // Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR
        return make_error(errc::corrupt_data,
                          name_ + ": corrupt gzip data: "
                            + (z.msg ? z.msg : "inflate failed"));
    }
  }
  return produced;
}

status idx_gzip_reader::expect_end(size_t declared) {
  std::array<std::byte, 4096> scratch;
  auto extra = read(scratch.data(), scratch.size());
  if (!extra)
    return extra.error();
  if (*extra > 0)
    return make_error(errc::corrupt_data,
                      name_ + ": trailing data: at least " + std::to_string(*extra)
                        + " bytes follow the " + std::to_string(declared)
                        + " payload bytes the header declares");
  if (cut_off_)
    return make_error(errc::corrupt_data,
                      name_ + ": truncated gzip stream: unexpected end of file "
                              "before the gzip trailer (CRC and length)");
  return status::ok();
}

} // namespace swarm::ml::detail
