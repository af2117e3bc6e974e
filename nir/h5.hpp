// A thin layer over libhdf5's C API for the NIR reader and writer (nir/nir.hpp): owned handles,
// numeric arrays read as double whatever their stored type (float32, float64, integers), strings
// fixed-length or variable-length, and gzip-compressed writing. Internal to nir/.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace hrsnn::nir::h5 {

// An error of the file's content: "FILE: /path/in/file: message".
class Error : public std::runtime_error {
 public:
  Error(const std::string& file, const std::string& path, const std::string& message)
      : std::runtime_error(file + ": " + path + ": " + message) {}
};

// One HDF5 identifier, closed with its own close function.
class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() { reset(); }
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      close_ = o.close_;
      o.id_ = H5I_INVALID_HID;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  void reset() {
    if (id_ >= 0 && close_) close_(id_);
    id_ = H5I_INVALID_HID;
  }
  hid_t id_ = H5I_INVALID_HID;
  herr_t (*close_)(hid_t) = nullptr;
};

struct Array {
  std::vector<uint64_t> dims;  // empty for a scalar
  std::vector<double> values;  // row-major
  bool integer = false;        // stored as an integer type
  uint64_t size() const { return values.size(); }
};

enum class Kind { Missing, Group, Dataset, Other };

// Silences libhdf5's own error printing (the callers report errors themselves).
void quiet_errors();

Handle open_file(const std::string& path);    // read-only; throws Error
Handle create_file(const std::string& path);  // truncates
Handle open_group(hid_t loc, const std::string& name);
Handle create_group(hid_t loc, const std::string& name);
Kind kind_of(hid_t loc, const std::string& name);
std::vector<std::string> children(hid_t group);  // link names in name order

// `file` and `path` only name the dataset in errors.
Array read_numeric(hid_t loc, const std::string& name, const std::string& file, const std::string& path);
// A string dataset: its elements (one for a scalar) and dims.
std::vector<std::string> read_strings(hid_t loc, const std::string& name, const std::string& file,
                                      const std::string& path, std::vector<uint64_t>& dims);

void write_string(hid_t loc, const std::string& name, const std::string& value);
void write_strings(hid_t loc, const std::string& name, const std::vector<std::string>& values,
                   const std::vector<uint64_t>& dims);
// float64, gzip level 4 (chunked) unless scalar.
void write_doubles(hid_t loc, const std::string& name, const std::vector<double>& values,
                   const std::vector<uint64_t>& dims);
void write_int64s(hid_t loc, const std::string& name, const std::vector<int64_t>& values,
                  const std::vector<uint64_t>& dims);

// Recorded data (nir.write_data's layout): gzip level 4 in chunks of at most 1 MiB (uncompressed
// when empty); a boolean array as h5py stores numpy bools (an int8 enum FALSE = 0, TRUE = 1).
void write_doubles_chunked(hid_t loc, const std::string& name, const std::vector<double>& values,
                           const std::vector<uint64_t>& dims);
void write_int64s_chunked(hid_t loc, const std::string& name, const std::vector<int64_t>& values,
                          const std::vector<uint64_t>& dims);
void write_bools_chunked(hid_t loc, const std::string& name, const std::vector<uint8_t>& values,
                         const std::vector<uint64_t>& dims);
// A dataset of h5py's bool enum (FALSE/TRUE over int8) as 0/1; throws Error for any other enum.
Array read_bools(hid_t loc, const std::string& name, const std::string& file, const std::string& path);
// The class of a dataset's type (H5T_FLOAT, H5T_INTEGER, H5T_ENUM, ...); H5T_NO_CLASS when unreadable.
H5T_class_t dataset_class(hid_t loc, const std::string& name);

// Scalar attributes, as h5py writes Python values: str as variable-length UTF-8, float as
// float64, int as int64.
void write_attr_string(hid_t loc, const std::string& name, const std::string& value);
void write_attr_double(hid_t loc, const std::string& name, double value);
void write_attr_int64(hid_t loc, const std::string& name, int64_t value);
bool has_attr(hid_t loc, const std::string& name);
// `file` and `path` only name the attribute in errors.
std::string read_attr_string(hid_t loc, const std::string& name, const std::string& file, const std::string& path);
double read_attr_number(hid_t loc, const std::string& name, const std::string& file, const std::string& path);

}  // namespace hrsnn::nir::h5
