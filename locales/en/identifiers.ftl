## Hints for identifiers typed wrongly (what was wrong, and an example of right)

plate-error-province = A plate starts with the Chinese character of a province, e.g. 京A12345.
plate-error-format = A plate is a province character, a letter and 5 letters or digits (6 for new-energy vehicles); I and O are not used. Example: 京A12345 or 京AD12345
id-error-length = An ID number has 18 characters; the last one is a digit or X. Example: 11010519491231002X
id-error-chars = An ID number has 17 digits followed by a digit or X (it does not start with 0).
id-error-birthdate = The birth date in this ID number (characters 7 to 14) is not a real date. Please check it.
id-error-checksum = This ID number's last character does not match the others; a character was probably mistyped.
ticket-error-format = A ticket number looks like C261121-0042 (C, the date, a dash and at least 4 digits).
tracking-error-format = A tracking number is 2 letters, 9 digits and 2 letters (EMS, e.g. EA123456789CN) or SF and 12-13 digits (SF Express).
phone-error-format = A mobile number has 11 digits and starts with 13 to 19, e.g. 13812345678.
